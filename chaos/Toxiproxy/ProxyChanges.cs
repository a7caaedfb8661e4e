namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>A proxy update (PATCH /proxies/{name}); null fields are left unchanged.</summary>
/// <param name="Listen">New listen address (restarts the proxy, closing live connections).</param>
/// <param name="Upstream">New upstream (restarts the proxy, closing live connections).</param>
/// <param name="Enabled">False takes the proxy down (listener and live sockets closed); true brings it up.</param>
public sealed record ProxyChanges(string? Listen = null, string? Upstream = null, bool? Enabled = null);
