namespace ChatResilience.Chaos.Proxy.Internal;

/// <summary>A validated proxy body (create / populate entry).</summary>
internal sealed record ProxyConfig(string Name, string Listen, string Upstream, bool Enabled);
