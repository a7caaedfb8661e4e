using System.Diagnostics;
using System.Globalization;
using System.Text;
using ChatResilience.Server.Storage;

namespace ChatResilience.Bench.ServerLoad;

/// <summary>
/// <c>load sqlite-log-ceiling [--appenders N] [--seconds N] [--index-batches 1024,4096] [--index-rows-per-key N] [--retention N [--sweep-ms N]] [--gc server|workstation] [--out path]</c>: what the SQLite log alone sustains, with
/// no network, no sessions and no generator in the process — the ceiling of the server's SQLite send→ack path.
/// N concurrent appenders (default 100, like the throughput bench's 100 connections at window 1) each append one
/// ~200-byte message with its sender's ack and wait for the commit before the next, for <c>--seconds</c> (default
/// 5) after a warm-up until the JIT is quiet. Cases: one room per appender (the throughput bench's layout) and all
/// appenders in one room, each with <c>synchronous=FULL</c> (the default) and <c>NORMAL</c>, at each journal index
/// batch asked for (default: the log's default), and the index rows per room and client asked for (default: the log's).
/// With <c>--retention N</c> each room is first filled to N messages (unmeasured), and a sweeper trims every room back to
/// N by count every <c>--sweep-ms</c> (default 1,000) while the appenders run: the log at steady state under count
/// retention, where every append is eventually a removal too (the server sweeps once a minute, with a cap of 100,000).
/// Runs on server GC, the production server's collector, unless <c>--gc workstation</c> (see <see cref="ProductionGc"/>).
/// Writes bench/results/sqlite-log-ceiling.md.
/// </summary>
internal static class SqliteLogCeilingMeasurement
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (await ProductionGc.RelaunchUnlessServerGcAsync("sqlite-log-ceiling", args) is { } exitCode)
        {
            return exitCode;
        }

        var rowsPerKey = LoadArgs.Int(args, "--index-rows-per-key", SqliteMessageLog.DefaultIndexRowsPerKey);
        var appenders = LoadArgs.Int(args, "--appenders", 100, min: 1);
        var seconds = LoadArgs.Int(args, "--seconds", 5, min: 1);
        var output = LoadArgs.Output(args, "sqlite-log-ceiling");
        var indexBatches = LoadArgs.Ints(args, "--index-batches") ?? [SqliteMessageLog.DefaultIndexBatch];
        var retention = new Retention(LoadArgs.Int(args, "--retention", 0), TimeSpan.FromMilliseconds(LoadArgs.Int(args, "--sweep-ms", 1000, min: 1)));
        var rows = new List<Row>();
        foreach (var indexBatch in indexBatches)
        {
            foreach (var rooms in new[] { appenders, 1 })
            {
                foreach (var full in new[] { true, false })
                {
                    var row = await RunCaseAsync(appenders, rooms, full, indexBatch, rowsPerKey, retention, TimeSpan.FromSeconds(seconds));
                    Console.WriteLine(Line(row));
                    rows.Add(row);
                }
            }
        }

        var text = Markdown(rows, appenders, seconds, rowsPerKey, retention);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, text);
        Console.WriteLine($"written to {output}");
        return 0;
    }

    private static async Task<Row> RunCaseAsync(int appenders, int rooms, bool synchronousFull, int indexBatch, int rowsPerKey, Retention retention, TimeSpan duration)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bench-sqlite-ceiling-{Environment.ProcessId}.db");
        long commits = 0, committedOps = 0, appended = 0, filled = 0, removed = 0;
        var measuring = 0;
        using var stop = new CancellationTokenSource();
        var body = new string('x', 200);
        try
        {
            await using var log = SqliteMessageLog.Open(path, synchronousFull: synchronousFull, indexBatch: indexBatch, indexRowsPerKey: rowsPerKey);
            log.CommitObserved = (_, ops) =>
            {
                if (Volatile.Read(ref measuring) == 1)
                {
                    commits++;
                    committedOps += ops;
                }
            };
            for (var r = 0; r < rooms; r++)
            {
                await log.EnsureRoomAsync("r" + r);
            }

            var tasks = Enumerable.Range(0, appenders).Select(i => Task.Run(async () =>
            {
                var (room, user, client) = ("r" + (i % rooms), "u" + i, "c" + i);
                for (long seq = 1; !stop.IsCancellationRequested; seq++)
                {
                    var m = new StoredMessage { Room = room, Id = $"{i:x8}{seq:x16}", From = user, ClientId = client, ClientSeq = seq, Body = body, SentAt = 1_800_000_000_000, At = 1_800_000_000_000 };
                    await log.AppendAsync(m, user);
                    Interlocked.Increment(ref filled);
                    if (Volatile.Read(ref measuring) == 1)
                    {
                        Interlocked.Increment(ref appended);
                    }
                }
            })).ToArray();

            // Under retention: every room holds its cap before the sweeper starts, so each sweep removes what came since.
            while (Interlocked.Read(ref filled) < (long)rooms * retention.Messages)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }

            var sweeper = retention.Messages > 0 ? SweepAsync() : Task.CompletedTask;
            await Task.Delay(TimeSpan.FromSeconds(1));
            await SendAckLoad.JitQuietAsync(TimeSpan.FromSeconds(20));
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var (cpu0, user0) = (process.TotalProcessorTime, process.UserProcessorTime);
            var start = Stopwatch.GetTimestamp();
            Volatile.Write(ref measuring, 1);
            await Task.Delay(duration);
            Volatile.Write(ref measuring, 0);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            process.Refresh();
            var n = Interlocked.Read(ref appended);
            var row = new Row(indexBatch, rooms, synchronousFull, Interlocked.Read(ref removed) / elapsed, n / elapsed, (process.TotalProcessorTime - cpu0).TotalMicroseconds / n, (process.UserProcessorTime - user0).TotalMicroseconds / n, commits / elapsed, (double)committedOps / Math.Max(1, commits), SendAckLoad.LoadAverage());
            await stop.CancelAsync();
            await Task.WhenAll(tasks.Append(sweeper));
            return row;

            async Task SweepAsync()
            {
                var cut = new RetentionCut(retention.Messages, MinAtMs: 0, ProtectFromSeq: long.MaxValue);
                while (!stop.IsCancellationRequested)
                {
                    for (var r = 0; r < rooms; r++)
                    {
                        var before = (await log.GetRoomAsync("r" + r))!.FirstSeq;
                        var after = await log.TrimAsync("r" + r, cut);
                        if (Volatile.Read(ref measuring) == 1)
                        {
                            Interlocked.Add(ref removed, after - before);
                        }
                    }

                    try
                    {
                        await Task.Delay(retention.Sweep, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        // The case is over.
                    }
                }
            }
        }
        finally
        {
            SqliteFiles.Delete(path);
        }
    }

    private static string Line(Row r) => string.Create(CultureInfo.InvariantCulture,
        $"index batch {r.IndexBatch,5} rooms {r.Rooms,4} synchronous {(r.Full ? "FULL  " : "NORMAL")}: {r.PerSecond,8:F0} appends/s, CPU {r.CpuMicros,5:F1} µs/append (user {r.UserMicros,5:F1}), {r.CommitsPerSecond,5:F0} commits/s of {r.Batch,5:F1} appends, {r.RemovedPerSecond,7:F0} removed/s, load {r.Load}");

    private static string Markdown(List<Row> rows, int appenders, int seconds, int rowsPerKey, Retention retention)
    {
        var inv = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine("# SQLite log alone: the ceiling of the SQLite send→ack path (`dotnet run -c Release --project bench -- load sqlite-log-ceiling`)");
        b.AppendLine();
        b.AppendLine(inv, $"{appenders} concurrent appenders straight into `SqliteMessageLog` (no network, no sessions, no load generator in the process), each appending one ~200-byte message with its sender's ack and awaiting the commit before the next — the log's side of the throughput bench's {appenders} connections at window 1. {seconds} s measured per case after a warm-up until the JIT is quiet; WAL, group commit of whatever is queued; the index batch, or {rowsPerKey} rows per room and client in the tail when that is more. CPU is the whole process (user + kernel); {ProductionGc.Describe()}. {(retention.Messages > 0 ? $"Count retention at steady state: every room filled to {retention.Messages} messages first, then trimmed back to it every {retention.Sweep.TotalMilliseconds:F0} ms while measured. " : "")}Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        b.AppendLine();
        b.AppendLine("| index batch | rooms | synchronous | appends/s | CPU µs/append | of which user | commits/s | appends per commit | removed/s | load avg |");
        b.AppendLine("|---:|---:|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in rows)
        {
            b.AppendLine(inv, $"| {r.IndexBatch} | {r.Rooms} | {(r.Full ? "FULL" : "NORMAL")} | {r.PerSecond:F0} | {r.CpuMicros:F1} | {r.UserMicros:F1} | {r.CommitsPerSecond:F0} | {r.Batch:F1} | {r.RemovedPerSecond:F0} | {r.Load} |");
        }

        return b.ToString();
    }

    /// <summary>Count retention while measured: the cap per room (0: none) and how often every room is trimmed to it.</summary>
    private sealed record Retention(int Messages, TimeSpan Sweep);

    private sealed record Row(int IndexBatch, int Rooms, bool Full, double RemovedPerSecond, double PerSecond, double CpuMicros, double UserMicros, double CommitsPerSecond, double Batch, string Load);
}
