using System.Collections.Immutable;
using ChatResilience.Chaos.Proxy.Internal.Toxics;

namespace ChatResilience.Chaos.Proxy.Internal;

/// <summary>A proxy's configuration at one instant, as the API reports it.</summary>
internal sealed record ProxySnapshot(string Name, string Listen, string Upstream, bool Enabled, ImmutableArray<ToxicSpec> Toxics);
