using System.Diagnostics;
using System.Globalization;
using ChatResilience.Chaos.Proxy;
using ChatResilience.Chaos.Toxiproxy;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatResilience.Bench.Chaos;

/// <summary>
/// proxy-slicer-cost: the CPU a slicer toxic costs per delivered message, with chat-like traffic. Each of N
/// connections receives a 400-byte message every 600 ms (one message per 30 s from each of 50 room members, the
/// scale scenario's rate) from a paced source, through the embedded proxy, and a reader drains it. Measured
/// with no toxic and with the flaky-mobile slicer (64 ± 32 bytes, 1 ms apart), in one process: source, proxy and
/// reader, so the figure covers the proxy's extra writes, the delays between them, the kernel's loopback path
/// and the reader's extra receives. Options: --connections a,b (default 1000,3750), --seconds N (default 10).
/// </summary>
internal static class ProxySlicerCostMeasurement
{
    private const int MessageBytes = 400;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(600);

    public static async Task<int> RunAsync(string[] args)
    {
        var counts = LoadArgs.Ints(args, "--connections") ?? [1000, 3750];
        var seconds = LoadArgs.Int(args, "--seconds", 10, min: 1);
        await using var source = LoopbackServer.Paced(MessageBytes, Interval);
        await using var embedded = await EmbeddedToxiproxy.StartAsync(new EmbeddedToxiproxyOptions { Port = 0, Seed = 1 }, TimeProvider.System, NullLoggerFactory.Instance);
        using var http = new HttpClient { BaseAddress = embedded.ApiUri };
        var client = new ToxiproxyClient(http);
        var proxy = await client.CreateProxyAsync(new ProxyDefinition("slicer-bench", source.Address));
        var slicer = new ToxicDefinition(new SlicerAttributes(64, 32, TimeSpan.FromMilliseconds(1)), Name: "slicer");

        Console.WriteLine("## proxy-slicer-cost");
        Console.WriteLine();
        Console.WriteLine($"{MessageBytes}-byte messages every {Interval.TotalMilliseconds:F0} ms per connection (paced source → embedded proxy → reader, one process), {seconds} s window after 2 s warm-up; CPU is the whole process's.");
        Console.WriteLine();
        Console.WriteLine("| connections | toxic | messages/s | receives per message | CPU s per s | CPU µs per message | added by the slicer, µs per message |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|");
        foreach (var connections in counts)
        {
            var plain = await MeasureAsync(proxy.Listen, connections, TimeSpan.FromSeconds(seconds));
            await client.AddToxicAsync(proxy.Name, slicer);
            var sliced = await MeasureAsync(proxy.Listen, connections, TimeSpan.FromSeconds(seconds));
            await client.DeleteToxicAsync(proxy.Name, slicer.Name!);
            Print(connections, "none", plain, null);
            Print(connections, "slicer 64±32 B, 1 ms", sliced, plain);
        }

        return 0;
    }

    private static void Print(int connections, string toxic, Sample s, Sample? baseline)
    {
        var added = baseline is null ? "" : (s.CpuMicrosPerMessage - baseline.Value.CpuMicrosPerMessage).ToString("F1", CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {connections:N0} | {toxic} | {s.MessagesPerSecond:F0} | {s.ReceivesPerMessage:F2} | {s.CpuSecondsPerSecond:F2} | {s.CpuMicrosPerMessage:F1} | {added} |"));
    }

    private static async Task<Sample> MeasureAsync(string address, int connections, TimeSpan window)
    {
        var sockets = await BenchSockets.ConnectManyAsync(address, connections);

        long bytes = 0;
        long receives = 0;
        using var stop = new CancellationTokenSource();
        var readers = sockets.Select(s => BenchSockets.DrainAsync(s, 4096, n =>
        {
            Interlocked.Add(ref bytes, n);
            Interlocked.Increment(ref receives);
        }, stop.Token)).ToList();

        await Task.Delay(TimeSpan.FromSeconds(2));
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var bytes0 = Interlocked.Read(ref bytes);
        var receives0 = Interlocked.Read(ref receives);
        var start = Stopwatch.GetTimestamp();
        await Task.Delay(window);
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var messages = (Interlocked.Read(ref bytes) - bytes0) / (double)MessageBytes;
        var reads = Interlocked.Read(ref receives) - receives0;
        await stop.CancelAsync();
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }

        await Task.WhenAll(readers);
        return new Sample(messages / elapsed, reads / messages, cpu / elapsed, cpu / messages * 1e6);
    }

    private readonly record struct Sample(double MessagesPerSecond, double ReceivesPerMessage, double CpuSecondsPerSecond, double CpuMicrosPerMessage);
}
