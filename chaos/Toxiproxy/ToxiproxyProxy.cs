namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>A proxy as Toxiproxy reports it.</summary>
/// <param name="Name">Unique proxy name.</param>
/// <param name="Listen">Address actually bound ("127.0.0.1:0" on create reports the OS-assigned port).</param>
/// <param name="Upstream">Address connections are forwarded to.</param>
/// <param name="Enabled">False = down: listener closed, connects refused.</param>
/// <param name="Toxics">Toxics in the order they were added.</param>
public sealed record ToxiproxyProxy(string Name, string Listen, string Upstream, bool Enabled, IReadOnlyList<Toxic> Toxics);
