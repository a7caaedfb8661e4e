namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>A proxy to create (POST /proxies) or populate.</summary>
/// <param name="Name">Unique proxy name (required).</param>
/// <param name="Upstream">"host:port" to forward to (required).</param>
/// <param name="Listen">"host:port" to bind; default "127.0.0.1:0" (OS-assigned port, reported back).</param>
/// <param name="Enabled">Start listening at once; default true.</param>
public sealed record ProxyDefinition(string Name, string Upstream, string Listen = "127.0.0.1:0", bool Enabled = true);
