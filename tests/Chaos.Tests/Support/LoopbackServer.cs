using System.Net;
using System.Net.Sockets;

namespace ChatResilience.Chaos.Tests.Support;

/// <summary>A TCP server on 127.0.0.1:0 running a handler per connection (echo by default).</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<Socket, CancellationToken, Task> _handler;
    private readonly Task _acceptLoop;

    public LoopbackServer(Func<Socket, CancellationToken, Task>? handler = null)
    {
        _handler = handler ?? EchoAsync;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public string Address => $"127.0.0.1:{Port}";

    public static async Task EchoAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        _stop.Dispose();
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
                    // Connection torn down by the test.
                }
                finally
                {
                    socket.Dispose();
                }
            });
        }
    }
}
