namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>A toxic to add (POST /proxies/{name}/toxics).</summary>
/// <param name="Attributes">Type and attributes, e.g. <c>new LatencyAttributes(TimeSpan.FromMilliseconds(100))</c>.</param>
/// <param name="Stream">Direction; default downstream.</param>
/// <param name="Toxicity">Probability a connection is affected; default 1.</param>
/// <param name="Name">Name; default null lets Toxiproxy name it "&lt;type&gt;_&lt;stream&gt;".</param>
public sealed record ToxicDefinition(ToxicAttributes Attributes, ToxicStream Stream = ToxicStream.Downstream, double Toxicity = 1.0, string? Name = null);
