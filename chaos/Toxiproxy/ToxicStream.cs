namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>The direction a toxic acts on.</summary>
public enum ToxicStream
{
    /// <summary>Client to server.</summary>
    Upstream,

    /// <summary>Server to client (Toxiproxy's default).</summary>
    Downstream,
}
