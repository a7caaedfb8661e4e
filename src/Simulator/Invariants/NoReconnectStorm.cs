using System.Globalization;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants.Internal;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// PROTOCOL.md §8: jitter spreads clients after a mass disconnect. A mass disconnect is at least
/// <see cref="CheckContext.StormMinClients"/> distinct clients closed by the peer within
/// <see cref="CheckContext.StormDetectWindow"/>. For each of those clients the first jittered attempt after the
/// close is taken (an immediate retry after a healthy connection is the policy, not a storm; a client whose
/// immediate retry succeeded has none); no window may hold more than <see cref="CheckContext.StormMaxFraction"/> of
/// the disconnected clients. The window is <see cref="CheckContext.StormWindow"/>, narrowed to a quarter of
/// fraction × the narrowest jitter range among the attempts, so that a policy-abiding population cannot fail by
/// chance when the policy's own spread is small. Samples: clients in mass disconnects.
/// </summary>
public sealed class NoReconnectStorm : IInvariantChecker
{
    /// <inheritdoc />
    public string Name => nameof(NoReconnectStorm);

    /// <inheritdoc />
    public InvariantResult Check(RecordedHistory history, CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);
        var result = new ResultBuilder(Name, context);
        var closes = history.OfType<ConnectionClosedEvent>().Where(c => c.ByPeer).ToList();
        var samplesByClient = ReconnectTimeline.Observe(history, context)
            .GroupBy(s => s.ClientId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var detectMs = (long)context.StormDetectWindow.TotalMilliseconds;
        var massDisconnects = 0;
        var i = 0;
        while (i < closes.Count)
        {
            var first = closes[i].AtMs;
            var cluster = new Dictionary<string, long>(StringComparer.Ordinal);
            for (; i < closes.Count && closes[i].AtMs <= first + detectMs; i++)
            {
                cluster.TryAdd(closes[i].ClientId, closes[i].AtMs);
            }

            if (cluster.Count < context.StormMinClients)
            {
                continue;
            }

            massDisconnects++;
            result.Samples += cluster.Count;
            CheckCluster(result, context, first, cluster, samplesByClient);
        }

        result.Detail("massDisconnects", massDisconnects);
        return result.Build();
    }

    private static void CheckCluster(
        ResultBuilder result, CheckContext context, long firstMs, Dictionary<string, long> cluster,
        Dictionary<string, List<ReconnectDelaySample>> samplesByClient)
    {
        var attempts = new List<ReconnectDelaySample>();
        foreach (var (client, closedAt) in cluster)
        {
            if (samplesByClient.TryGetValue(client, out var samples) && FirstJittered(samples, closedAt) is { } s)
            {
                attempts.Add(s);
            }
        }

        if (attempts.Count == 0)
        {
            return;
        }

        var narrowest = attempts.Min(a => a.MaxMs - a.MinMs);
        var windowMs = Math.Min((long)context.StormWindow.TotalMilliseconds, (long)(narrowest * context.StormMaxFraction / 4));
        var times = attempts.Select(a => a.AtMs).Order().ToArray();
        var (most, at) = (0, 0L);
        for (int lo = 0, hi = 0; lo < times.Length; lo++)
        {
            while (hi < times.Length && times[hi] <= times[lo] + windowMs)
            {
                hi++;
            }

            if (hi - lo > most)
            {
                (most, at) = (hi - lo, times[lo]);
            }
        }

        var fraction = (double)most / cluster.Count;
        if (fraction > context.StormMaxFraction)
        {
            result.Add(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"after {cluster.Count} clients were disconnected at {firstMs} ms, {most} of their next attempts ({fraction:P0}) came within {windowMs} ms from {at} ms (max {context.StormMaxFraction:P0})"),
                at);
        }
    }

    private static ReconnectDelaySample? FirstJittered(List<ReconnectDelaySample> samples, long closedAt)
    {
        foreach (var s in samples)
        {
            if (s.AtMs < closedAt)
            {
                continue;
            }

            if (s.Attempt > 0 || s.HintMs is not null)
            {
                return s;
            }

            if (s.Connected)
            {
                return null; // the immediate retry after a healthy connection worked: nothing to spread
            }
        }

        return null;
    }
}
