using System.Diagnostics;
using System.Net.WebSockets;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Bench.ServerLoad;

/// <summary>Result of one send→ack run.</summary>
internal sealed record SendAckResult(string Target, int Connections, int Window, long Acks, double Seconds, double P50Ms, double P99Ms, string LoadAverage, double CpuSeconds, long AllocatedBytes = 0, TimeSpan GcPause = default, int Gen0 = 0, int Gen1 = 0, int Gen2 = 0, double WarmupSeconds = 0, long JitMethodsMeasured = 0)
{
    public double PerSecond => Acks / Seconds;

    /// <summary>Which pass over the points this is (<c>--repeat</c>), 1-based; a ratio pairs results of one pass.</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>With the servers in a process of their own (<c>--server-process</c>), that process's CPU over the measured seconds; NaN when they share this one.</summary>
    public double ServerCpuSeconds { get; init; } = double.NaN;

    /// <summary>The server side's CPU per ack (<see cref="ServerCpuSeconds"/>); NaN when the servers run in the generator's process.</summary>
    public double ServerCpuMicrosPerAck => Acks == 0 ? double.NaN : ServerCpuSeconds * 1e6 / Acks;

    /// <summary>This process's CPU (server and load generator together, or the generator alone with <c>--server-process</c>) per ack: less sensitive to other jobs on the machine than acks/s.</summary>
    public double CpuMicrosPerAck => Acks == 0 ? double.NaN : CpuSeconds * 1e6 / Acks;

    /// <summary>Bytes allocated per ack by the whole process (server and generator): insensitive to machine load.</summary>
    public double AllocBytesPerAck => Acks == 0 ? double.NaN : (double)AllocatedBytes / Acks;

    /// <summary>Share of the measured wall time spent with threads suspended for GC.</summary>
    public double GcPausePercent => Seconds <= 0 ? double.NaN : GcPause.TotalSeconds / Seconds * 100;
}

/// <summary>
/// The one load generator used against every target: N WebSocket connections, each keeping
/// <c>window</c> ~200-byte sends in flight; an "ack" is the chat server's <c>ack</c> or the echo of the frame.
/// </summary>
internal static class SendAckLoad
{
    public static readonly string Body = new('b', 110);

    public static async Task<WebSocketFrameConnection> ConnectAsync(Uri uri, string? bearer, CancellationToken ct)
    {
        var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol(ProtocolConstants.SubProtocol);
        if (bearer is not null)
        {
            ws.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        }

        await ws.ConnectAsync(uri, ct);
        return new WebSocketFrameConnection(ws);
    }

    public static async Task<Frame> ReceiveFrameAsync(IFrameConnection c, CancellationToken ct)
    {
        var m = await c.ReceiveAsync(ct) ?? throw new InvalidOperationException("closed: " + c.CloseInfo);
        return FrameCodec.Decode(m.Payload.Span);
    }

    /// <summary>Chat handshake: hello, welcome, join own room, joined.</summary>
    public static async Task ChatHandshakeAsync(IFrameConnection c, string clientId, string room, CancellationToken ct)
    {
        await c.SendAsync(WireMessage.Text(FrameCodec.EncodeToArray(new HelloFrame { ClientId = clientId })), ct);
        while (await ReceiveFrameAsync(c, ct) is not WelcomeFrame)
        {
        }

        await c.SendAsync(WireMessage.Text(FrameCodec.EncodeToArray(new JoinFrame { Room = room })), ct);
        while (await ReceiveFrameAsync(c, ct) is not JoinedFrame)
        {
        }
    }

    /// <summary>
    /// Runs the load for at least <paramref name="warmup"/> unmeasured (pools, the first burst of a window) and
    /// then on until the JIT is quiet, then counts acks, latencies and process CPU for <paramref name="duration"/>.
    /// </summary>
    /// <remarks>
    /// Why wait for the JIT: tiered compilation recompiles hot methods for a few seconds after they first run, and
    /// measured here that took 8–10 s for the chat server (0.5–0.9 s of JIT per second). A fixed 1 s warm-up
    /// measured whichever target ran first half-compiled: the raw echo at 100 × 1 did 14.7k acks/s cold and 31k
    /// warm, which had inflated the chat/echo ratios at that point. The compiled-method count is recorded for the
    /// measured seconds so a reader can see the measurement was clean.
    /// </remarks>
    public static async Task<SendAckResult> RunAsync(string target, IReadOnlyList<IFrameConnection> connections, string roomPrefix, int window, TimeSpan duration, TimeSpan warmup = default, Func<TimeSpan>? serverCpu = null)
    {
        using var stop = new CancellationTokenSource();
        var latencies = new List<double>[connections.Count];
        long acks = 0;
        var measuring = warmup <= TimeSpan.Zero ? 1 : 0;
        using var process = Process.GetCurrentProcess();
        var tasks = new Task[connections.Count];
        for (var i = 0; i < connections.Count; i++)
        {
            var index = i;
            latencies[i] = new List<double>(4096);
            tasks[i] = Task.Run(async () =>
            {
                var c = connections[index];
                var slots = new SemaphoreSlim(window, window);
                var sentAt = new Dictionary<long, long>();
                var gate = new Lock();
                var receiver = Task.Run(async () =>
                {
                    try
                    {
                        while (!stop.IsCancellationRequested)
                        {
                            var f = await ReceiveFrameAsync(c, CancellationToken.None);
                            long seq;
                            if (f is AckFrame a)
                            {
                                seq = a.Seq;
                            }
                            else if (f is SendFrame echoed)
                            {
                                seq = echoed.Seq;
                            }
                            else
                            {
                                continue;
                            }

                            long t0;
                            lock (gate)
                            {
                                sentAt.Remove(seq, out t0);
                            }

                            if (Volatile.Read(ref measuring) == 1)
                            {
                                latencies[index].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                                Interlocked.Increment(ref acks);
                            }

                            slots.Release();
                        }
                    }
                    catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or ProtocolException)
                    {
                        // Closed at the end of the run.
                    }
                });
                long next = 1;
                var room = roomPrefix + index;
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        await slots.WaitAsync(stop.Token);
                        var seq = next++;
                        var bytes = FrameCodec.EncodeToArray(new SendFrame { Id = $"m{index}-{seq}", Seq = seq, Room = room, Body = Body, SentAt = 1_800_000_000_000, Basis = 0 });
                        lock (gate)
                        {
                            sentAt[seq] = Stopwatch.GetTimestamp();
                        }

                        await c.SendAsync(WireMessage.Text(bytes), stop.Token);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or ConnectionClosedException)
                {
                    // End of the run.
                }

                await c.CloseAsync(1000, null);
                await Task.WhenAny(receiver, Task.Delay(2000));
            });
        }

        var warmupStart = Stopwatch.GetTimestamp();
        if (warmup > TimeSpan.Zero)
        {
            await Task.Delay(warmup);
            await JitQuietAsync(maxWait: TimeSpan.FromSeconds(30));
        }

        var warmedFor = Stopwatch.GetElapsedTime(warmupStart).TotalSeconds;
        var jitStart = System.Runtime.JitInfo.GetCompiledMethodCount();

        process.Refresh();
        var cpuStart = process.TotalProcessorTime;
        var serverCpuStart = serverCpu?.Invoke();
        var allocStart = GC.GetTotalAllocatedBytes();
        var pauseStart = GC.GetTotalPauseDuration();
        var (g0, g1, g2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var start = Stopwatch.GetTimestamp();
        Volatile.Write(ref measuring, 1);
        await Task.Delay(duration);
        var counted = Interlocked.Read(ref acks);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
        var serverCpuSeconds = serverCpu is null ? double.NaN : (serverCpu() - serverCpuStart!.Value).TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes() - allocStart;
        var pause = GC.GetTotalPauseDuration() - pauseStart;
        var (e0, e1, e2) = (GC.CollectionCount(0) - g0, GC.CollectionCount(1) - g1, GC.CollectionCount(2) - g2);
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitStart;
        await stop.CancelAsync();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new SendAckResult(target, connections.Count, window, counted, elapsed, Percentile(all, 0.50), Percentile(all, 0.99), LoadAverage(), cpu, allocated, pause, e0, e1, e2, warmedFor, jitted) { ServerCpuSeconds = serverCpuSeconds };
    }

    /// <summary>Waits until a whole second passes with at most a handful of methods compiled (timers and rare paths keep a trickle going), or <paramref name="maxWait"/>.</summary>
    internal static async Task JitQuietAsync(TimeSpan maxWait)
    {
        var start = Stopwatch.GetTimestamp();
        var before = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (Stopwatch.GetElapsedTime(start) < maxWait)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now - before <= 5)
            {
                return;
            }

            before = now;
        }
    }

    /// <summary>The 1/5/15-minute load averages (Linux <c>/proc/loadavg</c>), recorded beside every number: the machine is shared.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    public static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
