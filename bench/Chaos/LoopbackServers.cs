using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace ChatResilience.Bench.Chaos;

/// <summary>Loopback TCP servers for the proxy measurements: an echo server and an endless source.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<Socket, CancellationToken, Task> _handler;
    private readonly Task _accept;

    private LoopbackServer(Func<Socket, CancellationToken, Task> handler)
    {
        _handler = handler;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(4096);
        _accept = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public string Address => $"127.0.0.1:{Port}";

    public static LoopbackServer Echo() => new(EchoAsync);

    /// <summary>Writes 32 KiB blocks as fast as the peer takes them, until it closes.</summary>
    public static LoopbackServer Source() => new(async (socket, ct) =>
    {
        var block = new byte[32 * 1024];
        while (!ct.IsCancellationRequested)
        {
            await socket.SendAsync(block, SocketFlags.None, ct);
        }
    });

    /// <summary>
    /// Writes a <paramref name="bytes"/>-byte message every <paramref name="interval"/> (each connection starting at
    /// its own phase, so the writes spread over the interval), until the peer closes.
    /// </summary>
    public static LoopbackServer Paced(int bytes, TimeSpan interval)
    {
        var phases = new Random(1);
        return new(async (socket, ct) =>
        {
            var message = new byte[bytes];
            int phase;
            lock (phases)
            {
                phase = phases.Next((int)interval.TotalMilliseconds);
            }

            await Task.Delay(phase, ct);
            using var timer = new PeriodicTimer(interval);
            do
            {
                await socket.SendAsync(message, SocketFlags.None, ct);
            }
            while (await timer.WaitForNextTickAsync(ct));
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accept;
        _stop.Dispose();
    }

    private static async Task EchoAsync(Socket socket, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
                if (n == 0)
                {
                    return;
                }

                var sent = 0;
                while (sent < n)
                {
                    sent += await socket.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, ct);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            socket.NoDelay = true;
            _ = Task.Run(async () =>
            {
                try
                {
                    await _handler(socket, _stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    // Peer gone.
                }
                finally
                {
                    socket.Dispose();
                }
            });
        }
    }
}
