using System.Diagnostics;
using System.Globalization;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Invariants;

namespace ChatResilience.Bench.Simulator;

/// <summary>
/// <c>load history [--deliveries N]</c>: what a recorded delivery costs in memory, and how long every checker takes
/// over a million of them (issue 7: a budget per recorded delivery; checkers over 1,000,000 deliveries in under 10 s).
/// The synthetic run has rooms of 50, every message delivered to every member, and each delivery's strings freshly
/// allocated as the client's decoder hands them out (message ids are the client's 24 hex digits). Managed bytes are
/// measured after full GCs with the history alive: once as the objects the recorder used to keep, once in the
/// compact <see cref="RecordedHistory"/> the recorder now builds, in memory and with its rows spilled to disk.
/// </summary>
internal static class HistoryMemoryMeasurement
{
    private const int Members = 50;

    public static async Task<int> RunAsync(string[] args)
    {
        var deliveries = args.Length == 2 && args[0] == "--deliveries" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        var messages = deliveries / Members;

        var before = Managed();
        var objects = new List<HistoryEvent>(messages * (Members + 2));
        foreach (var e in Run(messages))
        {
            objects.Add(e);
        }

        var asObjects = Managed() - before;
        var count = objects.Count;
        objects = null;
        GC.KeepAlive(objects);

        before = Managed();
        var builder = new RecordedHistoryBuilder();
        foreach (var e in Run(messages))
        {
            builder.Add(e);
        }

        var history = builder.Build();
        var compact = Managed() - before;

        // The same history with its rows spilled to a file in the temp directory (the harness's default).
        before = Managed();
        var spilling = new RecordedHistoryBuilder(Path.GetTempPath());
        foreach (var e in Run(messages))
        {
            spilling.Add(e);
        }

        var spilled = spilling.Build();
        var heapWhenSpilled = Managed() - before;
        var spilledRows = spilling.SpilledRows;

        var context = new CheckContext
        {
            Reconnect = new ReconnectEnvelope { DelayBase = TimeSpan.FromMilliseconds(200), Multiplier = 2, DelayMax = TimeSpan.FromSeconds(10), Jitter = 0.5 },
        };
        var heapBeforeCheck = Managed();
        var peak = heapBeforeCheck;
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                await Task.Delay(20);
            }
        });
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var results = InvariantSuite.All.Run(spilled, context); // the harness's default form
        wall.Stop();
        await stopSampling.CancelAsync();
        await sampler;
        var checkCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var failed = results.Where(r => r.Status == InvariantStatus.Failed).Select(r => r.Name).ToList();

        Console.WriteLine($"history: {history.Deliveries:N0} deliveries, {count:N0} events ({messages:N0} messages, rooms of {Members})");
        Console.WriteLine("| form | managed bytes | per delivery |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| event objects (the recorder before) | {asObjects:N0} | {(double)asObjects / history.Deliveries:0} B |");
        Console.WriteLine($"| compact RecordedHistory | {compact:N0} | {(double)compact / history.Deliveries:0} B |");
        Console.WriteLine($"| compact, rows spilled to disk ({spilledRows:N0} rows; {spilling.SpillError ?? "no error"}) | {heapWhenSpilled:N0} | {(double)heapWhenSpilled / history.Deliveries:0} B |");
        Console.WriteLine($"all {results.Count} checkers over the spilled history: {wall.Elapsed.TotalSeconds:0.00} s wall, {checkCpu.TotalSeconds:0.00} s CPU, heap peak +{(double)(peak - heapBeforeCheck) / history.Deliveries:0} B per delivery while checking (sampled every 20 ms); failed: {(failed.Count == 0 ? "none" : string.Join(", ", failed))}; load average {LoadAverage()}");
        GC.KeepAlive(history);
        GC.KeepAlive(spilled);
        return failed.Count == 0 ? 0 : 1;
    }

    private static IEnumerable<HistoryEvent> Run(int messages)
    {
        var random = new Random(7);
        var rooms = Math.Max(1, messages / 100);
        for (var r = 0; r < rooms; r++)
        {
            var room = $"room-{r:D4}";
            for (var m = 0; m < Members; m++)
            {
                var client = Client(r, m);
                yield return new MembershipEvent { AtMs = 0, ClientId = client, UserId = "u-" + client, Room = room, Member = true };
                yield return new JoinedEvent { AtMs = 1, ClientId = client, Room = room, Epoch = 1 };
            }
        }

        var senderSeq = new long[rooms * Members];
        var id = new byte[12];
        for (var s = 0; s < messages; s++)
        {
            var r = s % rooms;
            var roomSeq = (s / rooms) + 1;
            var sender = (int)(roomSeq % Members);
            var seq = ++senderSeq[(r * Members) + sender];
            random.NextBytes(id);
            var messageId = Convert.ToHexStringLower(id);
            var senderId = Client(r, sender);
            var room = $"room-{r:D4}";
            var at = 10L + s;
            yield return new SendAcceptedEvent { AtMs = at, ClientId = senderId, UserId = "u-" + senderId, MessageId = messageId, Seq = seq, Room = room, IntendedAtMs = at };
            yield return new AckedEvent { AtMs = at + 2, ClientId = senderId, MessageId = messageId, Seq = seq, Room = room, RoomSeq = roomSeq };
            for (var m = 0; m < Members; m++)
            {
                // Fresh strings, as each reader's decoder produces them; the reader's own id is shared (its client object).
                yield return new DeliveredEvent
                {
                    AtMs = at + 3, ClientId = string.Intern(Client(r, m)), Room = new string(room), Epoch = 1, RoomSeq = roomSeq,
                    MessageId = new string(messageId), SenderClientId = new string(senderId), SenderUserId = "u-" + senderId,
                    SenderSeq = seq, ServerAtMs = at + 1,
                };
            }
        }
    }

    private static string Client(int room, int member) => $"sim-c{(room * Members) + member:D5}";

    private static long Managed()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
