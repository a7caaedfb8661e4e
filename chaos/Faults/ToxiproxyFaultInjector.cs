using ChatResilience.Chaos.Toxiproxy;

namespace ChatResilience.Chaos.Faults;

/// <summary>
/// <see cref="IFaultInjector"/> over the Toxiproxy API: toxic faults become toxics (two for
/// <see cref="FaultDirection.Both"/>) with unique names; <see cref="DownFault"/> disables the proxy, and
/// overlapping down faults on one proxy are counted so the proxy comes back only when the last one ends.
/// </summary>
public sealed partial class ToxiproxyFaultInjector(ToxiproxyClient client) : IFaultInjector
{
    private readonly Dictionary<string, int> _downCounts = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _downGate = new(1, 1);
    private long _nextId;

    /// <inheritdoc />
    public async Task<IAppliedFault> ApplyAsync(Fault fault, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fault);
        fault.EnsureValid();
        if (fault is DownFault)
        {
            await ChangeDownCountAsync(fault.Proxy, +1, cancellationToken);
            return new AppliedDown(this, fault);
        }

        var attributes = fault.ToToxicAttributes()!;
        var id = Interlocked.Increment(ref _nextId);
        var streams = fault.Direction switch
        {
            FaultDirection.Upstream => new[] { ToxicStream.Upstream },
            FaultDirection.Downstream => [ToxicStream.Downstream],
            _ => [ToxicStream.Upstream, ToxicStream.Downstream],
        };

        var names = new List<string>();
        try
        {
            foreach (var stream in streams)
            {
                var name = $"fault{id}_{attributes.Type}_{(stream == ToxicStream.Upstream ? "upstream" : "downstream")}";
                await client.AddToxicAsync(fault.Proxy, new ToxicDefinition(attributes, stream, fault.Toxicity, name), cancellationToken);
                names.Add(name);
            }
        }
        catch
        {
            // Half-applied "both" faults are rolled back so a failed apply leaves nothing behind.
            await RemoveToxicsAsync(fault.Proxy, names, CancellationToken.None);
            throw;
        }

        return new AppliedToxics(this, fault, names);
    }

    /// <inheritdoc />
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        await _downGate.WaitAsync(cancellationToken);
        try
        {
            _downCounts.Clear();
            await client.ResetAsync(cancellationToken);
        }
        finally
        {
            _downGate.Release();
        }
    }

    private async Task ChangeDownCountAsync(string proxy, int delta, CancellationToken cancellationToken)
    {
        await _downGate.WaitAsync(cancellationToken);
        try
        {
            var before = _downCounts.GetValueOrDefault(proxy);
            var after = Math.Max(0, before + delta);
            if (before == 0 && after > 0)
            {
                await client.UpdateProxyAsync(proxy, new ProxyChanges(Enabled: false), cancellationToken);
            }
            else if (before > 0 && after == 0)
            {
                await client.UpdateProxyAsync(proxy, new ProxyChanges(Enabled: true), cancellationToken);
            }

            if (after == 0)
            {
                _downCounts.Remove(proxy);
            }
            else
            {
                _downCounts[proxy] = after;
            }
        }
        finally
        {
            _downGate.Release();
        }
    }

    private async Task RemoveToxicsAsync(string proxy, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        foreach (var name in names)
        {
            try
            {
                await client.DeleteToxicAsync(proxy, name, cancellationToken);
            }
            catch (ToxiproxyException ex) when (ex.Status == 404)
            {
                // Already gone (reset, or proxy deleted): removal is idempotent.
            }
        }
    }
}
