using System.Net;
using System.Net.Sockets;

namespace ChatResilience.Bench.Chaos;

/// <summary>The baseline: the simplest C# TCP proxy, two Stream.CopyToAsync per connection.</summary>
internal sealed class PlainCopyProxy : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _upstreamPort;
    private readonly Task _accept;

    public PlainCopyProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(4096);
        _accept = AcceptAsync();
    }

    public string Listen => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accept;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ProxyAsync(client));
        }
    }

    private async Task ProxyAsync(Socket client)
    {
        client.NoDelay = true;
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await server.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _upstreamPort), _stop.Token);
            await using var a = new NetworkStream(client, ownsSocket: true);
            await using var b = new NetworkStream(server, ownsSocket: false);
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // Torn down.
        }
        finally
        {
            client.Dispose();
        }
    }
}
