using System.Net.Sockets;
using ChatResilience.Chaos.Proxy.Internal.Net;
using ChatResilience.Chaos.Proxy.Internal.Toxics;

namespace ChatResilience.Chaos.Proxy.Internal;

internal sealed partial class ProxyInstance
{
    private async Task AcceptLoopAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var ordinal = Interlocked.Increment(ref _nextOrdinal) - 1;
            BackgroundTask.Observe(HandleAsync(client, ordinal, cancellationToken), _context.Logger, Name);
        }
    }

    private async Task HandleAsync(Socket client, long ordinal, CancellationToken cancellationToken)
    {
        client.NoDelay = true;
        var upstream = Upstream;
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (!HostPort.TrySplit(upstream, out var host, out var port))
            {
                throw new SocketException((int)SocketError.AddressNotAvailable);
            }

            await server.ConnectAsync(host.Length == 0 ? "127.0.0.1" : host, port, cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or ArgumentException)
        {
            ProxyLog.UpstreamUnreachable(_context.Logger, Name, upstream, ex.Message);
            client.Dispose();
            server.Dispose();
            return;
        }

        ProxyConnection connection;
        lock (_sync)
        {
            // The proxy may have been disabled while the upstream connect was in flight.
            if (cancellationToken.IsCancellationRequested)
            {
                client.Dispose();
                server.Dispose();
                return;
            }

            var resetOnClose = _toxics.Any(t => t.Kind == ToxicKind.ResetPeer);
            connection = new ProxyConnection(_context, ordinal, client, server, resetOnClose);
            connection.Reconcile(_toxics);
            _connections[ordinal] = connection;
        }

        _context.Counters.ConnectionOpened();
        ProxyLog.ConnectionOpened(_context.Logger, Name, ordinal);
        try
        {
            await connection.RunAsync();
        }
        finally
        {
            _connections.TryRemove(ordinal, out _);
            _context.Counters.ConnectionClosed();
        }
    }
}
