namespace ChatResilience.Chaos.Proxy.Internal;

internal sealed partial class ProxyRegistry
{
    /// <summary>
    /// Creates or replaces proxies in order (bodies are validated by the caller first). An entry equal to
    /// an existing proxy (same bound listen and upstream) is kept untouched with its toxics; a different one
    /// replaces it. On failure, the proxies handled before it are reported with the error.
    /// </summary>
    public PopulateResult Populate(IReadOnlyList<ProxyConfig> configs)
    {
        var done = new List<ProxySnapshot>();
        lock (_sync)
        {
            foreach (var config in configs)
            {
                try
                {
                    if (_proxies.TryGetValue(config.Name, out var existing))
                    {
                        if (existing.Listen == config.Listen && existing.Upstream == config.Upstream)
                        {
                            done.Add(existing.Snapshot());
                            continue;
                        }

                        existing.Stop();
                        _proxies.Remove(config.Name);
                    }

                    done.Add(CreateLocked(config).Snapshot());
                }
                catch (ApiException ex)
                {
                    return new PopulateResult(done, ex);
                }
            }
        }

        return new PopulateResult(done, null);
    }
}

/// <summary>Proxies handled by /populate, and the error that stopped it, if any.</summary>
internal sealed record PopulateResult(IReadOnlyList<ProxySnapshot> Proxies, ApiException? Error);
