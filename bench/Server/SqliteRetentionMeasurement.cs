using System.Diagnostics;
using System.Globalization;
using System.Text;
using ChatResilience.Server.Storage;

namespace ChatResilience.Bench.ServerLoad;

/// <summary>
/// <c>load sqlite-retention [--rooms N] [--messages N] [--gc server|workstation] [--out path]</c>: what the SQLite log's retention sweep and
/// replay reads cost once the log holds a full retention window. Fills N rooms (default 10) with N messages each
/// (default 100,000, the server's default count cap) the way live traffic does, every room's rows interleaved through
/// the journal, then times each room's <c>TrimAsync</c> (the server's once-a-minute sweep) for three cuts — nothing
/// to remove, the count cap removing 1 %, the age cut removing 1 % — and replay reads (pages of 500 from the middle of
/// a room). A trim runs on the log's one writer thread: every append queued behind it waits that long for its ack.
/// Runs on server GC, the production server's collector, unless <c>--gc workstation</c> (see <see cref="ProductionGc"/>).
/// Writes bench/results/sqlite-retention.md.
/// </summary>
internal static class SqliteRetentionMeasurement
{
    private const long BaseAt = 1_800_000_000_000;
    private const int Appenders = 100;
    private const int PageSize = 500;

    public static async Task<int> RunAsync(string[] args)
    {
        if (await ProductionGc.RelaunchUnlessServerGcAsync("sqlite-retention", args) is { } exitCode)
        {
            return exitCode;
        }

        var rooms = LoadArgs.Int(args, "--rooms", 10, min: 1);
        var perRoom = LoadArgs.Int(args, "--messages", 100_000, min: 1);
        var output = LoadArgs.Output(args, "sqlite-retention");
        var path = Path.Combine(Path.GetTempPath(), $"bench-sqlite-retention-{Environment.ProcessId}.db");
        var rows = new List<Row>();
        try
        {
            await using var log = SqliteMessageLog.Open(path);
            var fill = await FillAsync(log, rooms, perRoom);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"filled {rooms} rooms x {perRoom} messages in {fill.TotalSeconds:F1} s, file {SqliteFiles.Megabytes(path):F0} MB"));

            // Rooms below the count cap and younger than the age cut: the sweep's usual case, once a minute per room.
            rows.Add(await SweepAsync(log, rooms, "nothing to remove", new RetentionCut(2L * perRoom, BaseAt, long.MaxValue)));
            // Each room 1 % over the count cap.
            rows.Add(await SweepAsync(log, rooms, "count cap removes 1 %", new RetentionCut(perRoom - (perRoom / 100), BaseAt, long.MaxValue)));
            // The next 1 % of every room older than the age cut (At follows the append order, all rooms interleaved).
            var ageCut = BaseAt + (2L * rooms * perRoom / 100);
            rows.Add(await SweepAsync(log, rooms, "age cut removes 1 %", new RetentionCut(2L * perRoom, ageCut, long.MaxValue)));
            rows.Add(await ReplayAsync(log, rooms, perRoom));
            rows.Add(await DeleteRoomAsync(log));
            foreach (var r in rows)
            {
                Console.WriteLine(Line(r));
            }

            var text = Markdown(rows, rooms, perRoom, fill, SqliteFiles.Megabytes(path));
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, text);
            Console.WriteLine($"written to {output}");
            return 0;
        }
        finally
        {
            SqliteFiles.Delete(path);
        }
    }

    /// <summary>Appends <paramref name="perRoom"/> messages to each room from 100 concurrent appenders, rooms interleaved.</summary>
    private static async Task<TimeSpan> FillAsync(SqliteMessageLog log, int rooms, int perRoom)
    {
        for (var r = 0; r < rooms; r++)
        {
            await log.EnsureRoomAsync("r" + r);
        }

        var body = new string('x', 200);
        long next = -1;
        long total = (long)rooms * perRoom;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Appenders).Select(i => Task.Run(async () =>
        {
            var (user, client) = ("u" + i, "c" + i);
            long clientSeq = 0;
            for (var n = Interlocked.Increment(ref next); n < total; n = Interlocked.Increment(ref next))
            {
                // Message n goes to room n % rooms and is n ms younger than the first: every room's rows are spread
                // over the whole journal, and age follows the append order.
                var m = new StoredMessage { Room = "r" + (n % rooms), Id = $"{i:x8}{++clientSeq:x16}", From = user, ClientId = client, ClientSeq = clientSeq, Body = body, SentAt = BaseAt + n, At = BaseAt + n };
                await log.AppendAsync(m, user);
            }
        })));
        return Stopwatch.GetElapsedTime(started);
    }

    private static async Task<Row> SweepAsync(SqliteMessageLog log, int rooms, string what, RetentionCut cut)
    {
        var times = new List<double>();
        long removed = 0;
        for (var r = 0; r < rooms; r++)
        {
            var room = "r" + r;
            var before = await log.GetRoomAsync(room) ?? throw new InvalidOperationException(room);
            var started = Stopwatch.GetTimestamp();
            var first = await log.TrimAsync(room, cut);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            removed += first - before.FirstSeq;
        }

        return new Row("trim: " + what, times.Average(), times.Max(), removed, double.NaN);
    }

    /// <summary>
    /// An admin's room deletion, with one appender to another room running meanwhile: mean is the deletion's time,
    /// max the longest the appender waited for one commit (how long the deletion held the writer in one stretch).
    /// </summary>
    private static async Task<Row> DeleteRoomAsync(SqliteMessageLog log)
    {
        var before = await log.GetRoomAsync("r0") ?? throw new InvalidOperationException("r0");
        using var stop = new CancellationTokenSource();
        var longest = 0.0;
        var appender = Task.Run(async () =>
        {
            for (long seq = 1; !stop.IsCancellationRequested; seq++)
            {
                var started = Stopwatch.GetTimestamp();
                await log.AppendAsync(new StoredMessage { Room = "r1", Id = $"delete-{seq}", From = "ud", ClientId = "cd", ClientSeq = seq, Body = "x", At = BaseAt }, "ud");
                longest = Math.Max(longest, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        });
        var deleting = Stopwatch.GetTimestamp();
        await log.DeleteRoomAsync("r0");
        var ms = Stopwatch.GetElapsedTime(deleting).TotalMilliseconds;
        await stop.CancelAsync();
        await appender;
        return new Row("delete a room (max: longest append wait meanwhile)", ms, longest, before.Head - before.FirstSeq + 1, double.NaN);
    }

    /// <summary>Pages through 10 % of each room from its middle, as a resume after a long absence would.</summary>
    private static async Task<Row> ReplayAsync(SqliteMessageLog log, int rooms, int perRoom)
    {
        var times = new List<double>();
        long read = 0;
        var started = Stopwatch.GetTimestamp();
        for (var r = 0; r < rooms; r++)
        {
            var room = "r" + r;
            var info = await log.GetRoomAsync(room) ?? throw new InvalidOperationException(room);
            var after = info.FirstSeq + ((info.Head - info.FirstSeq) / 2);
            for (var page = 0; page < perRoom / 10 / PageSize; page++)
            {
                var pageStarted = Stopwatch.GetTimestamp();
                var messages = await log.ReadAsync(room, after, PageSize);
                times.Add(Stopwatch.GetElapsedTime(pageStarted).TotalMilliseconds);
                if (messages.Count != PageSize || messages[0].Seq != after + 1)
                {
                    throw new InvalidOperationException($"replay of {room} after {after} read {messages.Count} messages");
                }

                read += messages.Count;
                after = messages[^1].Seq;
            }
        }

        var perSecond = read / Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new Row($"replay: pages of {PageSize}", times.Average(), times.Max(), read, perSecond);
    }

    private static string Line(Row r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.What,-32} mean {r.MeanMs,8:F2} ms  max {r.MaxMs,8:F2} ms  messages {r.Messages,8}{(double.IsNaN(r.PerSecond) ? "" : $"  {r.PerSecond:F0} messages/s")}");

    private static string Markdown(List<Row> rows, int rooms, int perRoom, TimeSpan fill, double megabytes)
    {
        var inv = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine("# SQLite log: retention sweep and replay reads on a full log (`dotnet run -c Release --project bench -- load sqlite-retention`)");
        b.AppendLine();
        b.AppendLine(inv, $"{rooms} rooms × {perRoom:N0} messages (~200-byte bodies), appended by {Appenders} concurrent appenders with every room's rows interleaved through the journal (filled in {fill.TotalSeconds:F1} s; file and WAL {megabytes:F0} MB). Each trim row is one `TrimAsync` per room, as the server's retention sweep runs it; it runs on the log's writer thread, so appends queued behind it wait that long. Replay reads page through 10 % of each room from its middle. The process runs {ProductionGc.Describe()}. Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load {SendAckLoad.LoadAverage()}.");
        b.AppendLine();
        b.AppendLine("| operation | mean ms | max ms | messages | messages/s |");
        b.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            b.AppendLine(inv, $"| {r.What} | {r.MeanMs:F2} | {r.MaxMs:F2} | {r.Messages:N0} | {(double.IsNaN(r.PerSecond) ? "" : r.PerSecond.ToString("F0", inv))} |");
        }

        return b.ToString();
    }

    private sealed record Row(string What, double MeanMs, double MaxMs, long Messages, double PerSecond);
}
