namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>A toxic as Toxiproxy reports it.</summary>
/// <param name="Name">Unique per proxy (default "&lt;type&gt;_&lt;stream&gt;").</param>
/// <param name="Stream">Direction it acts on.</param>
/// <param name="Toxicity">Probability, 0–1, that a connection is affected.</param>
/// <param name="Attributes">Typed attributes; <see cref="ToxicAttributes.Type"/> is the toxic type.</param>
public sealed record Toxic(string Name, ToxicStream Stream, double Toxicity, ToxicAttributes Attributes)
{
    /// <summary>The toxic type, e.g. "latency".</summary>
    public string Type => Attributes.Type;
}
