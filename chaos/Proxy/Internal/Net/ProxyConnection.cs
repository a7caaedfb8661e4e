using System.Collections.Immutable;
using System.Net.Sockets;
using ChatResilience.Chaos.Proxy.Internal.Toxics;

namespace ChatResilience.Chaos.Proxy.Internal.Net;

/// <summary>
/// One proxied TCP connection: client socket, upstream socket, two links. A close from either side (or a
/// toxic, or the proxy going down) closes both sockets; there is no half-close, as in Toxiproxy.
/// </summary>
internal sealed class ProxyConnection
{
    private readonly Socket _client;
    private readonly Socket _server;
    private readonly ProxyLink _upstream;
    private readonly ProxyLink _downstream;
    private readonly CancellationTokenSource _closing = new();
    private readonly bool _resetOnClose;
    private readonly ILogger _logger;
    private readonly string _proxyName;
    private int _closed;

    public ProxyConnection(ProxyConnectionContext context, long ordinal, Socket client, Socket server, bool resetOnClose)
    {
        Ordinal = ordinal;
        _client = client;
        _server = server;
        _resetOnClose = resetOnClose;
        _logger = context.Logger;
        _proxyName = context.ProxyName;
        if (resetOnClose)
        {
            // reset_peer present at accept: closing sends RST instead of FIN, for the connection's life.
            client.LingerState = new LingerOption(true, 0);
            server.LingerState = new LingerOption(true, 0);
        }

        // One random source per connection from a stable hash; each link gets its own, derived in a fixed
        // order, so draws do not depend on how the two links' threads interleave.
        var random = new Random(StableSeed.Compute(context.Seed, context.ProxyName, ordinal));
        _upstream = new ProxyLink(client, server, this, context.TimeProvider, new Random(random.Next()), context.Counters.AddUpstreamBytes);
        _downstream = new ProxyLink(server, client, this, context.TimeProvider, new Random(random.Next()), context.Counters.AddDownstreamBytes);
    }

    public long Ordinal { get; }

    /// <summary>Applies the proxy's toxics to both links (called under the proxy's lock).</summary>
    public void Reconcile(ImmutableArray<ToxicSpec> toxics)
    {
        _upstream.Pipeline.Reconcile(toxics.Where(t => t.Stream == LinkDirection.Upstream).ToList());
        _downstream.Pipeline.Reconcile(toxics.Where(t => t.Stream == LinkDirection.Downstream).ToList());
    }

    public async Task RunAsync()
    {
        try
        {
            await Task.WhenAll(_upstream.RunAsync(_closing.Token), _downstream.RunAsync(_closing.Token));
        }
        finally
        {
            _upstream.Pipeline.Shutdown();
            _downstream.Pipeline.Shutdown();
            Close("done");
            _closing.Dispose();
        }
    }

    /// <summary>Closes both sockets once; safe from any thread, never throws.</summary>
    public void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        ProxyLog.ConnectionClosed(_logger, _proxyName, Ordinal, reason);
        CloseSocket(_client);
        CloseSocket(_server);
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    private void CloseSocket(Socket socket)
    {
        try
        {
            if (!_resetOnClose)
            {
                socket.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Peer already gone.
        }

        socket.Dispose();
    }
}
