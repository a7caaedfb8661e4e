namespace ChatResilience.Chaos.Proxy.Internal;

/// <summary>
/// All proxies of one embedded Toxiproxy. Every API operation runs under one lock, so operations are
/// atomic with respect to each other (as Toxiproxy's collection lock makes them).
/// </summary>
internal sealed partial class ProxyRegistry(int seed, TimeProvider timeProvider, ILoggerFactory loggerFactory)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, ProxyInstance> _proxies = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggerFactory.CreateLogger("ChatResilience.Chaos.Proxy");

    public int Seed => seed;

    public IReadOnlyList<ProxySnapshot> List()
    {
        lock (_sync)
        {
            return _proxies.Values.Select(p => p.Snapshot()).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        }
    }

    public IReadOnlyList<ProxyCounters> Counters()
    {
        lock (_sync)
        {
            return _proxies.Values.Select(p => p.Counters).OrderBy(c => c.ProxyName, StringComparer.Ordinal).ToList();
        }
    }

    public ProxySnapshot Get(string name)
    {
        lock (_sync)
        {
            return Find(name).Snapshot();
        }
    }

    public ProxySnapshot Create(ProxyConfig config)
    {
        lock (_sync)
        {
            if (_proxies.ContainsKey(config.Name))
            {
                throw new ApiException(409, "proxy already exists");
            }

            return CreateLocked(config).Snapshot();
        }
    }

    public ProxySnapshot Update(string name, string? listen, string? upstream, bool? enabled)
    {
        lock (_sync)
        {
            var proxy = Find(name);
            proxy.Reconfigure(listen ?? proxy.Listen, upstream ?? proxy.Upstream);
            if (enabled == true)
            {
                proxy.Start();
            }
            else if (enabled == false)
            {
                proxy.Stop();
            }

            return proxy.Snapshot();
        }
    }

    public void Delete(string name)
    {
        lock (_sync)
        {
            var proxy = Find(name);
            proxy.Stop();
            _proxies.Remove(name);
        }
    }

    /// <summary>Every proxy enabled again, every toxic removed.</summary>
    public void Reset()
    {
        lock (_sync)
        {
            foreach (var proxy in _proxies.Values)
            {
                proxy.SetToxics([]);
                proxy.Start();
            }
        }
    }

    /// <summary>Stops every proxy (shutdown).</summary>
    public void StopAll()
    {
        lock (_sync)
        {
            foreach (var proxy in _proxies.Values)
            {
                proxy.Stop();
            }

            _proxies.Clear();
        }
    }

    private ProxyInstance CreateLocked(ProxyConfig config)
    {
        var proxy = new ProxyInstance(config.Name, config.Listen, config.Upstream, seed, timeProvider, _logger);
        if (config.Enabled)
        {
            proxy.Start();
        }

        _proxies[config.Name] = proxy;
        return proxy;
    }

    private ProxyInstance Find(string name) =>
        _proxies.TryGetValue(name, out var proxy) ? proxy : throw ApiException.ProxyNotFound();
}
