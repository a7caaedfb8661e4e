using System.Globalization;
using System.Net.Sockets;
using ChatResilience.Chaos.Proxy;
using ChatResilience.Chaos.Toxiproxy;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatResilience.Bench.Chaos;

/// <summary>
/// proxy-throughput: echo throughput with no toxics at 100 and 1,000 connections, direct vs embedded proxy
/// vs a plain two-CopyToAsync proxy, in one run; then added p50/p99 latency of one connection.
/// Options: --seconds N (measured window per case, default 3), --rounds N (default 2, best kept).
/// </summary>
internal static class ProxyThroughputMeasurement
{
    private const int BlockBytes = 16 * 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = LoadArgs.Int(args, "--seconds", 3, min: 1);
        var rounds = LoadArgs.Int(args, "--rounds", 2, min: 1);
        await using var echo = LoopbackServer.Echo();
        await using var embedded = await EmbeddedToxiproxy.StartAsync(new EmbeddedToxiproxyOptions { Port = 0, Seed = 1 }, TimeProvider.System, NullLoggerFactory.Instance);
        using var http = new HttpClient { BaseAddress = embedded.ApiUri };
        var client = new ToxiproxyClient(http);
        var proxy = await client.CreateProxyAsync(new ProxyDefinition("bench", echo.Address));
        await using var plain = new PlainCopyProxy(echo.Port);
        var targets = new (string Name, string Address)[] { ("direct", echo.Address), ("plain CopyToAsync proxy", plain.Listen), ("embedded proxy", proxy.Listen) };

        Console.WriteLine("## proxy-throughput");
        Console.WriteLine();
        Console.WriteLine($"Echo throughput, no toxics, {BlockBytes / 1024} KiB writes streamed per connection, {seconds} s window after 1 s warm-up, best of {rounds} rounds (MB/s echoed back to clients, 1 MB = 10^6 B).");
        Console.WriteLine();
        Console.WriteLine("| connections | direct | plain CopyToAsync proxy | embedded proxy | embedded / plain |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var connections in new[] { 100, 1000 })
        {
            var best = new double[targets.Length];
            for (var round = 0; round < rounds; round++)
            {
                for (var t = 0; t < targets.Length; t++)
                {
                    best[t] = Math.Max(best[t], await ThroughputAsync(targets[t].Address, connections, TimeSpan.FromSeconds(seconds)));
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {connections} | {best[0]:F1} | {best[1]:F1} | {best[2]:F1} | {best[2] / best[1] * 100:F0}% |"));
        }

        Console.WriteLine();
        Console.WriteLine("Round-trip latency, 1 connection, 64-byte ping-pong, 2,000 warm-up + 10,000 measured round trips (µs):");
        Console.WriteLine();
        Console.WriteLine("| path | p50 | p99 | added p50 vs direct |");
        Console.WriteLine("|---|---|---|---|");
        var directP50 = 0.0;
        foreach (var (name, address) in targets)
        {
            var samples = await PingPongAsync(address, 2_000, 10_000);
            samples.Sort();
            var p50 = Percentiles.Of(samples, 50);
            if (name == "direct")
            {
                directP50 = p50;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {p50:F1} | {Percentiles.Of(samples, 99):F1} | {p50 - directP50:F1} |"));
        }

        return 0;
    }

    private static async Task<double> ThroughputAsync(string address, int connections, TimeSpan window)
    {
        var sockets = await BenchSockets.ConnectManyAsync(address, connections);

        long received = 0;
        using var stop = new CancellationTokenSource();
        var tasks = new List<Task>();
        foreach (var socket in sockets)
        {
            tasks.Add(WriteLoopAsync(socket, stop.Token));
            tasks.Add(BenchSockets.DrainAsync(socket, 64 * 1024, n => Interlocked.Add(ref received, n), stop.Token));
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        var startBytes = Interlocked.Read(ref received);
        var start = TimeProvider.System.GetTimestamp();
        await Task.Delay(window);
        var bytes = Interlocked.Read(ref received) - startBytes;
        var elapsed = TimeProvider.System.GetElapsedTime(start);
        await stop.CancelAsync();
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }

        await Task.WhenAll(tasks);
        return bytes / elapsed.TotalSeconds / 1e6;
    }

    private static async Task WriteLoopAsync(Socket socket, CancellationToken ct)
    {
        var block = new byte[BlockBytes];
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await socket.SendAsync(block, SocketFlags.None, ct);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private static async Task<List<double>> PingPongAsync(string address, int warmup, int measured)
    {
        using var socket = await BenchSockets.ConnectAsync(address);
        var message = new byte[64];
        var reply = new byte[64];
        for (var i = 0; i < warmup; i++)
        {
            await BenchSockets.RoundTripMicrosecondsAsync(socket, message, reply);
        }

        var samples = new List<double>(measured);
        for (var i = 0; i < measured; i++)
        {
            samples.Add(await BenchSockets.RoundTripMicrosecondsAsync(socket, message, reply));
        }

        return samples;
    }
}
