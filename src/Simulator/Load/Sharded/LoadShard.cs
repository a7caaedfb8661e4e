using System.Globalization;

namespace ChatResilience.Simulator.Load.Sharded;

/// <summary>
/// One load process's share of a ramp (<c>--shard I/N</c>): the clients whose plan index is <c>I</c> modulo <c>N</c>.
/// Every process plans the whole run from the same seed, so indexes, users, rooms and send times are the same
/// everywhere; interleaving the indexes gives each process every N-th connect of the ramp, so each one ramps at
/// 1/N of the rate over the same span instead of one process taking the first N-th of the ramp.
/// </summary>
public sealed record LoadShard
{
    /// <summary>Most processes one load run is spread over.</summary>
    public const int MaxCount = 64;

    public LoadShard(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        Index = index;
        Count = count;
    }

    /// <summary>This process's place, 0-based.</summary>
    public int Index { get; }

    /// <summary>Processes in the run.</summary>
    public int Count { get; }

    /// <summary>True when client <paramref name="clientIndex"/> of the plan is this process's.</summary>
    public bool Owns(int clientIndex) => clientIndex % Count == Index;

    /// <summary>How many of <paramref name="clients"/> clients are this process's.</summary>
    public int ClientsOf(int clients) => (clients / Count) + (Index < clients % Count ? 1 : 0);

    /// <summary>The <c>I/N</c> text of <c>--shard</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>Parses <c>I/N</c>; null when it is not one (0 ≤ I &lt; N, 2 ≤ N ≤ <see cref="MaxCount"/>).</summary>
    public static LoadShard? TryParse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0
               && int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
               && int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
               && count is >= 2 and <= MaxCount && index < count
            ? new LoadShard(index, count)
            : null;
    }
}
