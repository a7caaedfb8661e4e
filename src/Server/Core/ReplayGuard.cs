namespace ChatResilience.Server.Core;

/// <summary>
/// Keeps retention from trimming under an active replay: a trim and a replay registration never overlap,
/// and a trim never removes a seq above any active replay's cursor.
/// </summary>
internal sealed class ReplayGuard
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<Subscription>> _active = new(StringComparer.Ordinal);

    public async Task RegisterAsync(Subscription subscription)
    {
        await _gate.WaitAsync();
        try
        {
            lock (_lock)
            {
                if (!_active.TryGetValue(subscription.Hub.Name, out var set))
                {
                    set = _active[subscription.Hub.Name] = [];
                }

                set.Add(subscription);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Unregister(Subscription subscription)
    {
        lock (_lock)
        {
            if (_active.TryGetValue(subscription.Hub.Name, out var set) && set.Remove(subscription) && set.Count == 0)
            {
                _active.Remove(subscription.Hub.Name);
            }
        }
    }

    /// <summary>The lowest seq an active replay of <paramref name="room"/> still needs (long.MaxValue: none).</summary>
    public long ProtectFrom(string room)
    {
        lock (_lock)
        {
            return _active.TryGetValue(room, out var set) && set.Count > 0 ? set.Min(s => s.ReplayCursor) + 1 : long.MaxValue;
        }
    }

    /// <summary>Runs a trim of <paramref name="room"/> with registrations held off.</summary>
    public async Task<T> TrimAsync<T>(string room, Func<long, ValueTask<T>> trim)
    {
        await _gate.WaitAsync();
        try
        {
            return await trim(ProtectFrom(room));
        }
        finally
        {
            _gate.Release();
        }
    }
}
