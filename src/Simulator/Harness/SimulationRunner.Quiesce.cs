namespace ChatResilience.Simulator.Harness;

/// <summary>After the heal: wait (bounded) until every device is connected, every outbox is empty and readers agree.</summary>
public sealed partial class SimulationRunner
{
    private static readonly TimeSpan QuiescePoll = TimeSpan.FromMilliseconds(200);

    private async Task<bool> QuiesceAsync(CancellationToken ct)
    {
        var start = _time.GetTimestamp();
        var stableFor = 0;
        while (_time.GetElapsedTime(start) < Scenario.Bounds.Quiesce)
        {
            // Two quiet polls in a row: a message in flight between them would have moved a counter.
            stableFor = IsQuiet() ? stableFor + 1 : 0;
            if (stableFor >= 3)
            {
                return true;
            }

            await Task.Delay(QuiescePoll, _time, ct);
        }

        return false;
    }

    private bool IsQuiet()
    {
        if (_clients.Any(c => c.IsDown || !c.IsConnected || c.OutboxDepth > 0))
        {
            return false;
        }

        // Readers converge: every current member of a room has delivered the same highest seq.
        var perRoom = new Dictionary<string, (long Min, long Max)>(StringComparer.Ordinal);
        foreach (var c in _clients)
        {
            foreach (var room in c.Rooms.Keys)
            {
                var seq = c.MaxDelivered.GetValueOrDefault(room);
                perRoom[room] = perRoom.TryGetValue(room, out var r) ? (Math.Min(r.Min, seq), Math.Max(r.Max, seq)) : (seq, seq);
            }
        }

        return perRoom.Values.All(r => r.Min == r.Max);
    }
}
