using System.Diagnostics;
using System.Globalization;
using System.Text;
using ChatResilience.Bench.ServerLoad;
using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;
using ChatResilience.Server;
using ChatResilience.Server.Hosting;
using ChatResilience.Server.Storage;

namespace ChatResilience.Bench;

/// <summary>
/// "server-throughput": send→ack msgs/s and p50/p99 at 100 and 1,000 connections, window 1 and 16, for the
/// chat server with the in-memory and the SQLite log, beside a raw Kestrel WebSocket echo driven by the
/// same load generator in the same run; then broadcast to one room of 1,000 members vs a raw fan-out.
/// Options: <c>--seconds n</c> measured per point (default 3) after <c>--warmup n</c> unmeasured seconds (default 1), <c>--out path</c> (default bench/results/server-throughput.md),
/// <c>--conns 100,1000</c>, <c>--windows 1,16</c>, <c>--targets echo,echo2,mem,sqlite,broadcast</c> (default all) to
/// re-measure a subset while profiling, <c>--index-batch n</c>, <c>--index-rows-per-key n</c>, <c>--max-batch n</c> (group commit) and <c>--synchronous FULL|NORMAL</c> for the SQLite log (default the server's),
/// <c>--server-process</c> (the servers in a child process of their own, the generator alone in this one; reports each target's server-side CPU per ack), <c>--retention n</c> and <c>--retention-sweep-ms n</c> (the server's count cap per room and sweep interval, default
/// 100,000 and a minute: a short run never reaches the cap, so set them to measure a server whose rooms sit at it), <c>--gc server|workstation</c>
/// (default server, the production server's collector: see <see cref="ProductionGc"/>). Each point records the 1-minute load average beside its numbers.
/// </summary>
public static partial class LoadMeasurements
{
    static partial void RegisterServer()
    {
        Register("server-throughput", RunServerThroughputAsync);
        Register("server-throughput-host", args => ThroughputHostProcess.RunChildAsync(ChatOptions(args), Targets(args)));
        Register("server-outcomes-memory", OutcomesMemoryMeasurement.RunAsync);
        Register("sqlite-log-ceiling", SqliteLogCeilingMeasurement.RunAsync);
        Register("sqlite-retention", SqliteRetentionMeasurement.RunAsync);
    }

    private const int BroadcastMessages = 1000;

    private static async Task<int> RunServerThroughputAsync(string[] args)
    {
        if (await ProductionGc.RelaunchUnlessServerGcAsync("server-throughput", args) is { } exitCode)
        {
            return exitCode;
        }

        var seconds = LoadArgs.Int(args, "--seconds", 3, min: 1);
        var output = LoadArgs.Output(args, "server-throughput");
        var duration = TimeSpan.FromSeconds(seconds);
        var warmup = TimeSpan.FromSeconds(LoadArgs.Int(args, "--warmup", 1));
        var connectionCounts = LoadArgs.Ints(args, "--conns") ?? [100, 1000];
        var windows = LoadArgs.Ints(args, "--windows") ?? [1, 16];
        // Passes over every point: the spread of one pass is ±5–10 points of a ratio on this machine, so a verdict
        // needs the median of several, each pass interleaving its targets as one does.
        var repeats = LoadArgs.Int(args, "--repeat", 1, min: 1);
        var targets = Targets(args);
        var results = new List<SendAckResult>();
        // The SQLite options come from the command line: a bad value is a usage error, before anything starts.
        ChatServerOptions chat;
        try
        {
            chat = ChatOptions(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 64;
        }

        // Every target runs each point back to back (echo, echo x2, in-memory, SQLite, then the next point), so
        // a change in the machine's load during the run hits all sides of a ratio alike.
        // --server-process: the servers run in a child process, as a deployment runs one, and the generator alone here.
        await using (IThroughputTargets servers = args.Contains("--server-process") ? await ThroughputHostProcess.StartAsync(args) : await ThroughputServers.StartAsync(chat, targets))
        {
            (string Name, Uri Uri, string Key)[] echoes = [("raw echo", servers.EchoUri, "echo"), ("raw echo x2", servers.Echo2Uri, "echo2")];
            (string Name, Uri? Uri)[] chats = [("chat in-memory", servers.MemUri), ("chat SQLite", servers.SqliteUri)];
            var run = 0;
            foreach (var (n, pass) in Enumerable.Range(1, repeats).SelectMany(p => connectionCounts.Select(n => (n, p))))
            {
                foreach (var w in windows)
                {
                    foreach (var (name, uri, key) in echoes)
                    {
                        if (targets.Contains(key))
                        {
                            var conns = await Task.WhenAll(Enumerable.Range(0, n).Select(_ => SendAckLoad.ConnectAsync(uri, null, CancellationToken.None)));
                            results.Add(Report(await SendAckLoad.RunAsync(name, conns, "echo-", w, duration, warmup, servers.ServerCpu) with { Repeat = pass }));
                        }
                    }

                    foreach (var (name, uri) in chats)
                    {
                        if (uri is null)
                        {
                            continue;
                        }

                        var id = ++run;
                        var prefix = $"load-{id}-";
                        var conns = await Task.WhenAll(Enumerable.Range(0, n).Select(async i =>
                        {
                            var c = await SendAckLoad.ConnectAsync(uri, servers.IssueToken($"u{id}-{i}"), CancellationToken.None);
                            await SendAckLoad.ChatHandshakeAsync(c, $"c{id}-{i}", prefix + i, CancellationToken.None);
                            return (IFrameConnection)c;
                        }));
                        results.Add(Report(await SendAckLoad.RunAsync(name, conns, prefix, w, duration, warmup, servers.ServerCpu) with { Repeat = pass }));
                    }
                }
            }
        }

        // Broadcast: each side warms up with unmeasured rounds of the measured size on its own connections until a
        // round compiles at most a handful of methods, as the send→ack points wait for the JIT, then measures one
        // round of 1,000 messages (a million deliveries, ~5 s a side). One fixed 200-message pass left both sides
        // partly quick-JITted (a third of a profile's samples); warm-up rounds of 200 never reached the raw fan-out's
        // backpressure paths (Kestrel's awaited flushes), which were then compiled during its measured round.
        var (chatFan, rawFan, fanLoad) = (double.NaN, double.NaN, "");
        if (targets.Contains("broadcast"))
        {
            var fan = await MeasureBroadcastAsync(chat, members: 1000, messages: BroadcastMessages);
            (chatFan, rawFan, fanLoad) = (fan.Chat, fan.Raw, fan.Load);
            Console.WriteLine($"broadcast 1000 members: chat {chatFan:F0}/s, raw fan-out {rawFan:F0}/s, warm-up rounds {fan.ChatWarmupRounds} / {fan.RawWarmupRounds}, jit while measured {fan.JitMeasured} (load {fanLoad})");
        }

        await File.WriteAllTextAsync(output, Markdown(results, chatFan, rawFan, fanLoad, seconds, chat, args.Contains("--server-process")));
        Console.WriteLine("wrote " + output);
        return 0;
    }

    /// <summary>The chat server's options for the send→ack points: limits out of the way, the SQLite options of <paramref name="args"/>; throws <see cref="ArgumentException"/> for a bad one.</summary>
    private static ChatServerOptions ChatOptions(string[] args)
    {
        var chat = new ChatServerOptions
        {
            RateLimitPerSecond = 1_000_000, RateLimitBurst = 1_000_000, MaxInFlight = 64, MaxConnections = 5000,
            HeartbeatInterval = TimeSpan.FromMinutes(5), HelloTimeout = TimeSpan.FromMinutes(1),
            SqliteIndexBatch = LoadArgs.Int(args, "--index-batch", SqliteMessageLog.DefaultIndexBatch, min: 1),
            SqliteIndexRowsPerKey = LoadArgs.Int(args, "--index-rows-per-key", SqliteMessageLog.DefaultIndexRowsPerKey),
        };
        if (LoadArgs.Int(args, "--max-batch", 0) is > 0 and var maxBatch)
        {
            chat = chat with { GroupCommitMaxBatch = maxBatch };
        }

        if (LoadArgs.String(args, "--synchronous") is { } synchronous)
        {
            chat = chat with { SqliteSynchronous = synchronous.ToUpperInvariant() };
        }

        chat = chat with
        {
            RetentionMessages = LoadArgs.Int(args, "--retention", (int)chat.RetentionMessages, min: 1),
            RetentionInterval = TimeSpan.FromMilliseconds(LoadArgs.Int(args, "--retention-sweep-ms", (int)chat.RetentionInterval.TotalMilliseconds, min: 1)),
        };

        chat.Validate();
        return chat;
    }

    private static string[] Targets(string[] args) =>
        (LoadArgs.String(args, "--targets") ?? "echo,echo2,mem,sqlite,broadcast").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static SendAckResult Report(SendAckResult r)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(r.Repeat > 1 ? $"[{r.Repeat}] " : "")}{r.Target,-15} conns {r.Connections,5} window {r.Window,2}: {r.PerSecond,9:F0} acks/s p50 {r.P50Ms,7:F2} ms p99 {r.P99Ms,7:F2} ms cpu {r.CpuMicrosPerAck,6:F0} us/ack{(double.IsNaN(r.ServerCpuMicrosPerAck) ? "" : $" (server {r.ServerCpuMicrosPerAck:F0})")} alloc {r.AllocBytesPerAck / 1024,5:F2} KB/ack gc {r.GcPausePercent,4:F1}% (gen0/1/2 {r.Gen0}/{r.Gen1}/{r.Gen2}) warm-up {r.WarmupSeconds,4:F1} s jit {r.JitMethodsMeasured} load {r.LoadAverage}"));
        return r;
    }

    /// <summary>One broadcast pair: deliveries/s of each side, the warm-up rounds each needed, methods compiled while measured.</summary>
    private sealed record BroadcastResult(double Chat, double Raw, string Load, int ChatWarmupRounds, int RawWarmupRounds, long JitMeasured);

    private static async Task<BroadcastResult> MeasureBroadcastAsync(ChatServerOptions chat, int members, int messages)
    {
        var body = SendAckLoad.Body;
        (double Rate, int WarmupRounds, long Jit) chatSide, rawSide;
        await using (var host = await ChatServerHost.StartAsync(new ChatServerHostOptions { Port = 0, Chat = chat, EnableAssistant = false }, loggerProvider: Microsoft.Extensions.Logging.Abstractions.NullLoggerProvider.Instance))
        {
            var conns = await Task.WhenAll(Enumerable.Range(0, members).Select(async i =>
            {
                var c = await SendAckLoad.ConnectAsync(host.WebSocketUri, host.IssueToken($"m{i}"), CancellationToken.None);
                await SendAckLoad.ChatHandshakeAsync(c, $"cm{i}", "bcast", CancellationToken.None);
                return (IFrameConnection)c;
            }));
            var sender = await SendAckLoad.ConnectAsync(host.WebSocketUri, host.IssueToken("sender"), CancellationToken.None);
            await SendAckLoad.ChatHandshakeAsync(sender, "csender", "bcast", CancellationToken.None);
            long next = 1;

            // The one sender keeps 16 sends in flight, each waiting for its ack.
            async Task SendAsync(int n)
            {
                var slots = new SemaphoreSlim(16, 16);
                var acking = Task.Run(async () =>
                {
                    for (var acked = 0; acked < n;)
                    {
                        if (await SendAckLoad.ReceiveFrameAsync(sender, CancellationToken.None) is AckFrame)
                        {
                            acked++;
                            slots.Release();
                        }
                    }
                });
                for (var i = 0; i < n; i++)
                {
                    await slots.WaitAsync();
                    var s = next++;
                    await sender.SendAsync(WireMessage.Text(FrameCodec.EncodeToArray(new SendFrame { Id = "b" + s, Seq = s, Room = "bcast", Body = body, SentAt = 1_800_000_000_000 })));
                }

                await acking;
            }

            chatSide = await WarmThenMeasureAsync(() => BroadcastRoundAsync(conns, messages, () => Task.Run(() => SendAsync(messages))));
            await Task.WhenAll(conns.Append(sender).Select(c => c.CloseAsync(1000, null).AsTask()));
        }

        await using (var raw = await RawKestrelApps.StartAsync())
        {
            var conns = await Task.WhenAll(Enumerable.Range(0, members).Select(_ => SendAckLoad.ConnectAsync(raw.FanUri, null, CancellationToken.None)));
            while (raw.Members < members)
            {
                await Task.Delay(10);
            }

            var sender = await SendAckLoad.ConnectAsync(raw.FanSendUri, null, CancellationToken.None);
            long next = 1;

            // The raw sender writes each message's bytes without waiting: the app fans them out as they arrive.
            async Task SendAsync(int n)
            {
                for (var i = 0; i < n; i++)
                {
                    var s = next++;
                    var msg = new MsgFrame { Room = "bcast", Epoch = 1, Seq = s, Id = "b" + s, From = "sender", ClientId = "csender", ClientSeq = s, Body = body, SentAt = 1_800_000_000_000, At = 1_800_000_000_000 };
                    await sender.SendAsync(WireMessage.Text(FrameCodec.EncodeToArray(msg)));
                }
            }

            rawSide = await WarmThenMeasureAsync(() => BroadcastRoundAsync(conns, messages, () => SendAsync(messages)));
            await Task.WhenAll(conns.Append(sender).Select(c => c.CloseAsync(1000, null).AsTask()));
        }

        return new BroadcastResult(chatSide.Rate, rawSide.Rate, SendAckLoad.LoadAverage(), chatSide.WarmupRounds, rawSide.WarmupRounds, chatSide.Jit + rawSide.Jit);
    }

    /// <summary>One round: <paramref name="send"/> sends <paramref name="messages"/> while every member counts as many; deliveries/s until the last member has them all.</summary>
    private static async Task<double> BroadcastRoundAsync(IFrameConnection[] members, int messages, Func<Task> send)
    {
        var start = Stopwatch.GetTimestamp();
        var receivers = members.Select(c => CountAsync(c, messages)).ToArray();
        var sending = send();
        await Task.WhenAll(receivers).WaitAsync(TimeSpan.FromSeconds(120));
        var rate = (double)members.Length * messages / Stopwatch.GetElapsedTime(start).TotalSeconds;
        await sending;
        return rate;
    }

    /// <summary>
    /// Runs unmeasured rounds until one compiles at most 5 methods (tiered compilation settled; at most 8 rounds), then
    /// one measured round: its rate, the warm-up rounds, and the methods compiled while it ran.
    /// </summary>
    private static async Task<(double Rate, int WarmupRounds, long Jit)> WarmThenMeasureAsync(Func<Task<double>> round)
    {
        var rounds = 1;
        while (true)
        {
            var before = System.Runtime.JitInfo.GetCompiledMethodCount();
            await round();
            if (System.Runtime.JitInfo.GetCompiledMethodCount() - before <= 5 || rounds == 8)
            {
                break;
            }

            rounds++;
        }

        var jitStart = System.Runtime.JitInfo.GetCompiledMethodCount();
        var rate = await round();
        return (rate, rounds, System.Runtime.JitInfo.GetCompiledMethodCount() - jitStart);
    }

    private static async Task CountAsync(IFrameConnection c, int messages)
    {
        for (var got = 0; got < messages;)
        {
            if (await SendAckLoad.ReceiveFrameAsync(c, CancellationToken.None) is MsgFrame)
            {
                got++;
            }
        }
    }

    private static string Markdown(List<SendAckResult> results, double chatFan, double rawFan, string fanLoad, int seconds, ChatServerOptions chat, bool serversInChild)
    {
        var b = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        b.AppendLine("# Server throughput (`dotnet run -c Release --project bench -- load server-throughput`)");
        b.AppendLine();
        b.AppendLine(inv, $"One run, one process, one load generator, targets interleaved point by point: N WebSocket connections on 127.0.0.1, each keeping `window` ~200-byte `send` frames in flight for {seconds} s per point (after an unmeasured warm-up of at least 1 s that runs on until the JIT compiles at most 5 methods in a second, so tiered compilation has settled; JIT is the number of methods compiled during the measured seconds; CPU µs/ack is the whole process, server and generator, over the measured seconds); the chat server acks after the commit (SQLite: WAL, synchronous={chat.SqliteSynchronous}, group commit of up to {chat.GroupCommitMaxBatch}, index batch {chat.SqliteIndexBatch} or {chat.SqliteIndexRowsPerKey} rows per room and client in the tail; retention {chat.RetentionMessages:N0} messages per room, swept every {chat.RetentionInterval.TotalSeconds:0.#} s). The raw echo is a minimal Kestrel WebSocket app returning each frame, driven by the same generator. The process runs {ProductionGc.Describe()}. Machine: 2 cores; the load average column says what else ran. Absolute numbers move from run to run; ratios are the point.");
        if (serversInChild)
        {
            b.AppendLine();
            b.AppendLine("`--server-process`: the echo apps and the chat servers ran in a child process of their own (server GC too), the load generator alone in this one; CPU µs/ack is this process's (the generator's), server CPU µs/ack the child's over the same seconds. The broadcast pair still runs in this process.");
        }

        b.AppendLine();
        b.AppendLine("| pass | target | conns | window | acks/s | p50 ms | p99 ms | % of echo | % of echo x2 | target | CPU µs/ack | server CPU µs/ack | alloc KB/ack | GC pause % | warm-up s | JIT | load avg (1/5/15 min) |");
        b.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results.OrderBy(r => r.Repeat).ThenBy(r => TargetOrder(r.Target)))
        {
            var ratio = Ratio(results, r, "raw echo");
            var ratio2 = Ratio(results, r, "raw echo x2");
            var goal = Goal(r.Target);
            var verdict = goal == 0 || double.IsNaN(ratio) ? "" : ratio >= goal ? $"≥{goal}% met" : $"≥{goal}% MISSED";
            b.AppendLine(inv, $"| {r.Repeat} | {r.Target} | {r.Connections} | {r.Window} | {r.PerSecond:F0} | {r.P50Ms:F2} | {r.P99Ms:F2} | {Percent(ratio)} | {Percent(ratio2)} | {verdict} | {r.CpuMicrosPerAck:F0} | {(double.IsNaN(r.ServerCpuMicrosPerAck) ? "–" : r.ServerCpuMicrosPerAck.ToString("F0", inv))} | {r.AllocBytesPerAck / 1024:F2} | {r.GcPausePercent:F1} | {r.WarmupSeconds:F1} | {r.JitMethodsMeasured} | {r.LoadAverage} |");
        }

        b.AppendLine();
        var passes = results.Max(r => r.Repeat);
        if (passes > 1)
        {
            // The verdict of several passes is the median ratio per point; the spread says how far one pass can be trusted.
            b.AppendLine(inv, $"## Medians over {passes} passes (each ratio against the same pass's raw echo)");
            b.AppendLine();
            b.AppendLine("| target | conns | window | % of echo per pass | median | min–max | target |");
            b.AppendLine("|---|---:|---:|---|---:|---|---|");
            foreach (var point in results.Where(r => Goal(r.Target) > 0).GroupBy(r => (r.Target, r.Connections, r.Window)).OrderBy(g => TargetOrder(g.Key.Target)))
            {
                var ratios = point.OrderBy(r => r.Repeat).Select(r => Ratio(results, r, "raw echo")).Where(double.IsFinite).ToList();
                if (ratios.Count == 0)
                {
                    continue;
                }

                var sorted = ratios.Order().ToList();
                var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
                var goal = Goal(point.Key.Target);
                b.AppendLine(inv, $"| {point.Key.Target} | {point.Key.Connections} | {point.Key.Window} | {string.Join(" / ", ratios.Select(x => x.ToString("F1", inv)))} | {median:F1}% | {sorted[0]:F1}–{sorted[^1]:F1} | {(median >= goal ? $"≥{goal}% met by the median" : $"≥{goal}% MISSED by the median")} |");
            }

            b.AppendLine();
        }

        if (double.IsNaN(chatFan))
        {
            // --targets without broadcast: no section rather than a row of NaN marked MISSED.
            return b.ToString();
        }

        var fanRatio = chatFan / rawFan * 100;
        b.AppendLine(inv, $"## Broadcast, one room of 1,000 members, {BroadcastMessages} messages after unmeasured rounds of as many until the JIT is quiet (sender window 16)");
        b.AppendLine();
        b.AppendLine("| target | deliveries/s | % of raw | target |");
        b.AppendLine("|---|---:|---:|---|");
        b.AppendLine(inv, $"| raw fan-out (same bytes, same sockets, per-socket writer) | {rawFan:F0} | 100% | |");
        b.AppendLine(inv, $"| chat server (encode once, shared bytes) | {chatFan:F0} | {fanRatio:F0}% | {(fanRatio >= 60 ? "≥60% met" : "≥60% MISSED")} |");
        b.AppendLine();
        b.AppendLine(inv, $"Load average after the broadcast pair: {fanLoad}.");
        return b.ToString();
    }

    /// <summary>A ratio as the table shows it: "–" when the pass had no such baseline (a target left out of <c>--targets</c>).</summary>
    private static string Percent(double ratio) => double.IsNaN(ratio) ? "–" : ratio.ToString("F0", CultureInfo.InvariantCulture) + "%";

    /// <summary><paramref name="r"/>'s acks/s as % of the <paramref name="baseline"/> target's at the same point of the same pass; NaN without one.</summary>
    private static double Ratio(List<SendAckResult> results, SendAckResult r, string baseline) =>
        results.FirstOrDefault(e => e.Target == baseline && e.Connections == r.Connections && e.Window == r.Window && e.Repeat == r.Repeat) is { } b
            ? r.PerSecond / b.PerSecond * 100
            : double.NaN;

    /// <summary>The issue's target for a chat target, % of the raw echo; 0 for the baselines.</summary>
    private static int Goal(string target) => target switch { "chat in-memory" => 70, "chat SQLite" => 50, _ => 0 };

    private static int TargetOrder(string target) => target switch { "raw echo" => 0, "raw echo x2" => 1, "chat in-memory" => 2, _ => 3 };
}
