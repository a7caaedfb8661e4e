using System.Globalization;
using System.Text.Json;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;
using ChatResilience.Simulator.Reports.Internal;

namespace ChatResilience.Simulator.Reports;

/// <summary>
/// Writes <c>violations/&lt;Checker&gt;-NNN.json</c>: per violation (at most <see cref="MaxPerChecker"/> per checker)
/// the slice of history around it — ±<see cref="SliceRadius"/>, the same room or client, and run-wide events
/// (faults, harness actions without a client), the client's own events over the violation's whole span
/// (<see cref="Violation.FromMs"/>..<see cref="Violation.ToMs"/>) — and the server's log lines of that moment.
/// </summary>
public static class ViolationsWriter
{
    /// <summary>Violations written per checker. 20.</summary>
    public const int MaxPerChecker = 20;

    /// <summary>How far around a violation the slice reaches. 2 s.</summary>
    public static readonly TimeSpan SliceRadius = TimeSpan.FromSeconds(2);

    /// <summary>Most history events in one slice (the ones nearest the violation in time are kept). 1 000.</summary>
    public const int MaxEventsPerSlice = 1_000;

    /// <summary>Builds the report of one violation.</summary>
    public static ViolationReport Slice(Violation violation, RecordedHistory history, IReadOnlyList<ServerLogLine> serverLog)
    {
        ArgumentNullException.ThrowIfNull(violation);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(serverLog);
        var radius = (long)SliceRadius.TotalMilliseconds;
        var (from, to) = (violation.AtMs - radius, violation.AtMs + radius);

        // The violation's own client is followed over the whole span it is about (e.g. from the close that began a
        // reconnect wait to the late attempt's outcome), however long; everything else only ±radius.
        var (clientFrom, clientTo) = (Math.Min(from, (violation.FromMs ?? violation.AtMs) - radius), Math.Max(to, (violation.ToMs ?? violation.AtMs) + radius));
        var events = history.Events;
        var slice = new List<HistoryEvent>();
        for (var i = FirstAtOrAfter(events, clientFrom); i < events.Count && events[i].AtMs <= clientTo; i++)
        {
            var e = events[i];
            var client = EventKeys.ClientOf(e);
            var ownClient = client is not null && client == violation.ClientId;
            if (ownClient || (e.AtMs >= from && e.AtMs <= to && IsNear(e, client, violation)))
            {
                slice.Add(e);
            }
        }

        // A busy room can put tens of thousands of events in 4 s: keep the ones nearest the violation, in order.
        var truncated = slice.Count > MaxEventsPerSlice;
        if (truncated)
        {
            slice = [.. slice.Select((e, i) => (e, i)).OrderBy(x => Math.Abs(x.e.AtMs - violation.AtMs)).Take(MaxEventsPerSlice).OrderBy(x => x.i).Select(x => x.e)];
        }

        return new ViolationReport
        {
            Violation = violation,
            History = slice,
            HistoryTruncated = truncated,
            ServerLog = [.. serverLog.Where(l => l.AtMs >= from && l.AtMs <= to)],
        };
    }

    private static bool IsNear(HistoryEvent e, string? client, Violation violation)
    {
        var room = EventKeys.RoomOf(e);
        return (client is null && room is null) // run-wide
            || (room is not null && room == violation.Room)
            || (e is DeliveredEvent d && d.SenderClientId == violation.ClientId);
    }

    /// <summary>
    /// Replaces <paramref name="reportDirectory"/>'s <see cref="ReportWriter.ViolationsFolderName"/> folder with these
    /// results' files (emptied first, so a rerun into the same folder leaves no stale slices); returns how many were written.
    /// </summary>
    public static Task<int> ReplaceAsync(
        string reportDirectory,
        IEnumerable<InvariantResult> results,
        RecordedHistory history,
        IReadOnlyList<ServerLogLine> serverLog,
        CancellationToken cancellationToken = default)
    {
        var violations = Path.Combine(reportDirectory, ReportWriter.ViolationsFolderName);
        if (Directory.Exists(violations))
        {
            Directory.Delete(violations, recursive: true);
        }

        return WriteAsync(violations, results, history, serverLog, cancellationToken);
    }

    /// <summary>Writes the files into <paramref name="directory"/> (created); returns how many were written.</summary>
    public static async Task<int> WriteAsync(
        string directory,
        IEnumerable<InvariantResult> results,
        RecordedHistory history,
        IReadOnlyList<ServerLogLine> serverLog,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        var written = 0;
        foreach (var result in results)
        {
            var index = 0;
            foreach (var violation in result.Violations.Take(MaxPerChecker))
            {
                Directory.CreateDirectory(directory);
                var report = Slice(violation, history, serverLog);
                var name = string.Create(CultureInfo.InvariantCulture, $"{result.Name}-{++index:000}.json");
                await File.WriteAllTextAsync(
                    Path.Combine(directory, name), JsonSerializer.Serialize(report, ReportJsonContext.Default.ViolationReport), cancellationToken);
                written++;
            }
        }

        return written;
    }

    private static int FirstAtOrAfter(IReadOnlyList<HistoryEvent> events, long atMs)
    {
        var (lo, hi) = (0, events.Count);
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (events[mid].AtMs < atMs)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
