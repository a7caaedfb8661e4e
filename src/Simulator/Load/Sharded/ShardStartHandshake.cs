using System.Globalization;
using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Load.Sharded;

/// <summary>
/// The start of a sharded load run, between one load process and its coordinator over the process's standard output
/// and input: the process prints <see cref="ReadyLine"/> once its tokens are fetched and its warm-up client has
/// joined, then waits for <c>start &lt;unix ms&gt;</c>, the wall-clock instant every process takes as its ramp start.
/// One instant on one clock is what lets the coordinator merge the processes' histories by plain concatenation.
/// </summary>
public sealed class ShardStartHandshake(TextWriter output, TextReader input)
{
    /// <summary>What a load process prints when it is ready to ramp.</summary>
    public const string ReadyLine = "chatsim-load-shard ready";

    private const string StartPrefix = "start ";

    /// <summary>Says it is ready and returns the start instant the coordinator answers with.</summary>
    public async Task<DateTimeOffset> ReadyAsync(CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(ReadyLine);
        await output.FlushAsync(cancellationToken);
        var line = await input.ReadLineAsync(cancellationToken)
                   ?? throw new HarnessException("the coordinator closed this load process's input before saying start");
        return ParseStart(line) ?? throw new HarnessException($"expected 'start <unix ms>' from the coordinator, got '{line}'");
    }

    /// <summary>The line that starts every process at <paramref name="at"/>.</summary>
    public static string StartLine(DateTimeOffset at) => StartPrefix + at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>The instant of a start line; null when it is not one.</summary>
    public static DateTimeOffset? ParseStart(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.StartsWith(StartPrefix, StringComparison.Ordinal)
               && long.TryParse(line.AsSpan(StartPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
               && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
    }
}
