
namespace ChatResilience.Chaos.Proxy.Internal.Net;

/// <summary>What every connection of one proxy shares.</summary>
internal sealed record ProxyConnectionContext(string ProxyName, int Seed, TimeProvider TimeProvider, ProxyCounterCells Counters, ILogger Logger);
