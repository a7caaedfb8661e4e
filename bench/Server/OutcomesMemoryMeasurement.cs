using System.Globalization;
using System.Text;
using ChatResilience.Bench.Client;
using ChatResilience.Server.Storage;

namespace ChatResilience.Bench.ServerLoad;

/// <summary>
/// <c>load server-outcomes-memory [--clients N] [--sends N] [--out path]</c>: what the in-memory log keeps per
/// settled send in its outcome store. Quiet: N (user, client) pairs (default 10,000) each settle one send; busy: one
/// client settles N sends (default 100,000), then outcome retention trims all but its last 100. Each case runs
/// twice through <see cref="InMemoryMessageLog.AppendAsync"/>: with a sender (the ack outcome is recorded, as the
/// server does) and without one (the room's messages only); the difference, measured as managed bytes after full
/// GCs with the log alive (median of three runs), is what the outcomes cost. Allocation is counted over the appends
/// (precise total).
/// Memory only, no timing: safe on a shared machine. Writes bench/results/server-outcomes-memory.md.
/// </summary>
internal static class OutcomesMemoryMeasurement
{
    private const int KeptAfterTrim = 100;

    public static async Task<int> RunAsync(string[] args)
    {
        var clients = LoadArgs.Int(args, "--clients", 10_000, min: 1);
        var sends = LoadArgs.Int(args, "--sends", 100_000, min: 1);
        var output = LoadArgs.Output(args, "server-outcomes-memory");

        // Warm up the code paths once, so JIT and type loading are not counted in the first case.
        await RunOnceAsync(100, 10, withSender: true, trimKeeping: null);

        var rows = new List<Row>
        {
            new($"quiet: {clients:N0} clients x 1 send", clients, clients, clients, await RunCaseAsync(clients, 1, true, null), await RunCaseAsync(clients, 1, false, null)),
            new($"busy: 1 client x {sends:N0} sends", 1, sends, sends, await RunCaseAsync(1, sends, true, null), await RunCaseAsync(1, sends, false, null)),
            new($"busy, then trim keeps its last {KeptAfterTrim}", 1, sends, KeptAfterTrim, await RunCaseAsync(1, sends, true, KeptAfterTrim), await RunCaseAsync(1, sends, false, null)),
        };

        var text = Markdown(rows);
        Console.Write(text);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, text);
        Console.WriteLine($"written to {output}");
        return 0;
    }

    // The median of three runs: a run's total moves by a step of ~8 KB, and the quiet case's by ~170 KB now and then.
    private static async Task<Measured> RunCaseAsync(int clients, int sendsPerClient, bool withSender, int? trimKeeping)
    {
        var runs = new List<Measured>();
        for (var i = 0; i < 3; i++)
        {
            runs.Add(await RunOnceAsync(clients, sendsPerClient, withSender, trimKeeping));
        }

        return new Measured(runs.Select(r => r.Retained).Order().ElementAt(1), runs.Select(r => r.Allocated).Order().ElementAt(1));
    }

    private static async Task<Measured> RunOnceAsync(int clients, int sendsPerClient, bool withSender, int? trimKeeping)
    {
        var before = MemorySnapshot.Take().Heap;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var log = new InMemoryMessageLog();
        const string room = "room";
        await log.EnsureRoomAsync(room);
        var body = new string('x', 40);
        var id = new byte[12];
        var random = new Random(5);
        for (var i = 0; i < clients; i++)
        {
            // A session's user and client ids are one string each, shared by all its sends.
            var user = $"user-{i:D6}";
            var client = $"client-{i:D6}";
            for (var seq = 1; seq <= sendsPerClient; seq++)
            {
                random.NextBytes(id);
                var message = new StoredMessage { Room = room, Id = Convert.ToHexStringLower(id), From = user, ClientId = client, ClientSeq = seq, Body = body, At = seq };
                await log.AppendAsync(message, withSender ? user : null);
            }
        }

        if (trimKeeping is { } keep)
        {
            await log.TrimOutcomesAsync(sendsPerClient - keep + 1);
        }

        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var retained = MemorySnapshot.Take().Heap - before;
        GC.KeepAlive(log);
        return new Measured(retained, allocated);
    }

    private static string Markdown(List<Row> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine("# In-memory log: outcome store memory (`dotnet run -c Release --project bench -- load server-outcomes-memory`)");
        b.AppendLine();
        b.AppendLine("Managed bytes after full GCs with the log alive (`GC.GetTotalMemory(true)` after/before), through `InMemoryMessageLog.AppendAsync`: with a sender the ack outcome is recorded (the server's path), without one only the room's messages are kept; **outcome bytes = with − without**. Message ids are fresh 24-hex strings, a client's user and client ids one string each (as a session holds them). Allocated is `GC.GetTotalAllocatedBytes(precise: true)` over the appends (and the trim), with the sender. Each number is the median of three runs (compacting full GCs; a run's total still moves in steps of ~8 KB, so the trimmed row is ±8 KB). Memory only, no timing. Re-running overwrites this file.");
        b.AppendLine();
        b.AppendLine(inv, $"Run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}.");
        b.AppendLine();
        b.AppendLine("| case | outcomes kept | retained, with outcomes | retained, messages only | outcome bytes | per client | per outcome kept | allocated per send (with outcomes) |");
        b.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var outcomes = r.With.Retained - r.Without.Retained;
            b.AppendLine(inv, $"| {r.Name} | {r.Kept:N0} | {r.With.Retained:N0} | {r.Without.Retained:N0} | {outcomes:N0} | {(double)outcomes / r.Clients:N0} B | {(double)outcomes / r.Kept:N1} B | {(double)r.With.Allocated / r.Sends:N0} B |");
        }

        return b.ToString();
    }

    private readonly record struct Measured(long Retained, long Allocated);

    private sealed record Row(string Name, int Clients, long Sends, int Kept, Measured With, Measured Without);
}
