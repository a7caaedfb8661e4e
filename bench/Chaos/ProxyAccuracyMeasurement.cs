using System.Globalization;
using System.Net.Sockets;
using ChatResilience.Chaos.Proxy;
using ChatResilience.Chaos.Toxiproxy;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatResilience.Bench.Chaos;

/// <summary>
/// proxy-accuracy: latency error (measured round trip minus the configured latency) over 1,000 round trips
/// at 10 ms and 100 ms, run as 10 concurrent connections × 100 sequential round trips each so the 100 ms
/// case takes ~10 s; bandwidth error over a 10 s download at 100 KB/s and 10 MB/s.
/// Options: --bandwidth-seconds N (default 10), --connections N (default 10), --round-trips N (per connection, default 100).
/// </summary>
internal static class ProxyAccuracyMeasurement
{
    public static async Task<int> RunAsync(string[] args)
    {
        var bandwidthSeconds = LoadArgs.Int(args, "--bandwidth-seconds", 10, min: 1);
        var connections = LoadArgs.Int(args, "--connections", 10, min: 1);
        var roundTrips = LoadArgs.Int(args, "--round-trips", 100, min: 1);
        await using var echo = LoopbackServer.Echo();
        await using var source = LoopbackServer.Source();
        await using var embedded = await EmbeddedToxiproxy.StartAsync(new EmbeddedToxiproxyOptions { Port = 0, Seed = 1 }, TimeProvider.System, NullLoggerFactory.Instance);
        using var http = new HttpClient { BaseAddress = embedded.ApiUri };
        var client = new ToxiproxyClient(http);

        Console.WriteLine("## proxy-accuracy");
        Console.WriteLine();
        Console.WriteLine($"Latency toxic (downstream), error = round trip − configured latency, {connections} concurrent connections × {roundTrips} round trips of 64 bytes ({connections * roundTrips} samples per row; the no-toxic row is the proxy's own round trip):");
        Console.WriteLine();
        Console.WriteLine("| latency | p50 error | p99 error | min error | max error | samples |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var latencyMs in new[] { 0, 10, 100 })
        {
            var name = $"lat{latencyMs}";
            var proxy = await client.CreateProxyAsync(new ProxyDefinition(name, echo.Address));
            if (latencyMs > 0)
            {
                await client.AddToxicAsync(name, new ToxicDefinition(new LatencyAttributes(TimeSpan.FromMilliseconds(latencyMs))));
            }

            var samples = (await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => RoundTripsAsync(proxy.Listen, roundTrips))))
                .SelectMany(s => s).Select(us => us / 1000.0 - latencyMs).ToList();
            samples.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {(latencyMs == 0 ? "none" : latencyMs + " ms")} | {Percentiles.Of(samples, 50):F3} ms | {Percentiles.Of(samples, 99):F3} ms | {samples[0]:F3} ms | {samples[^1]:F3} ms | {samples.Count} |"));
        }

        Console.WriteLine();
        Console.WriteLine($"Bandwidth toxic (downstream) on a source that writes as fast as allowed, {bandwidthSeconds} s download, 1 KB = 1000 B:");
        Console.WriteLine();
        Console.WriteLine("| rate | measured | error | bytes |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var rateKBps in new long[] { 100, 10_000 })
        {
            var name = $"bw{rateKBps}";
            var proxy = await client.CreateProxyAsync(new ProxyDefinition(name, source.Address));
            await client.AddToxicAsync(name, new ToxicDefinition(new BandwidthAttributes(rateKBps)));
            var (bytes, elapsed) = await DownloadAsync(proxy.Listen, TimeSpan.FromSeconds(bandwidthSeconds));
            var measured = bytes / elapsed.TotalSeconds / 1000.0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {rateKBps} KB/s | {measured:F1} KB/s | {(measured - rateKBps) / rateKBps * 100:+0.00;-0.00}% | {bytes} |"));
        }

        return 0;
    }

    private static async Task<List<double>> RoundTripsAsync(string address, int count)
    {
        using var socket = await BenchSockets.ConnectAsync(address);
        var message = new byte[64];
        var reply = new byte[64];
        var samples = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            samples.Add(await BenchSockets.RoundTripMicrosecondsAsync(socket, message, reply));
        }

        return samples;
    }

    private static async Task<(long Bytes, TimeSpan Elapsed)> DownloadAsync(string address, TimeSpan duration)
    {
        using var socket = await BenchSockets.ConnectAsync(address);
        var buffer = new byte[64 * 1024];
        var start = TimeProvider.System.GetTimestamp();
        long bytes = 0;
        using var stop = new CancellationTokenSource(duration);
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
                if (n == 0)
                {
                    break;
                }

                bytes += n;
            }
        }
        catch (OperationCanceledException)
        {
            // Window over.
        }

        return (bytes, TimeProvider.System.GetElapsedTime(start));
    }
}
