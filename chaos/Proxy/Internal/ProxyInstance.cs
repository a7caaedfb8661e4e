using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net.Sockets;
using ChatResilience.Chaos.Proxy.Internal.Net;
using ChatResilience.Chaos.Proxy.Internal.Toxics;

namespace ChatResilience.Chaos.Proxy.Internal;

/// <summary>
/// One named proxy: its listener, live connections and toxics. Configuration changes come from
/// <see cref="ProxyRegistry"/> (one at a time); <see cref="_sync"/> orders them against accepted connections
/// so a connection never misses a toxic change.
/// </summary>
internal sealed partial class ProxyInstance
{
    private readonly Lock _sync = new();
    private readonly ConcurrentDictionary<long, ProxyConnection> _connections = new();
    private readonly ProxyConnectionContext _context;
    private ImmutableArray<ToxicSpec> _toxics = [];
    private Socket? _listener;
    private CancellationTokenSource? _acceptCancel;
    private long _nextOrdinal;

    public ProxyInstance(string name, string listen, string upstream, int seed, TimeProvider timeProvider, ILogger logger)
    {
        Name = name;
        Listen = listen;
        Upstream = upstream;
        _context = new ProxyConnectionContext(name, seed, timeProvider, new ProxyCounterCells(), logger);
    }

    public string Name { get; }

    /// <summary>The configured listen address; after the first bind, the bound one (port kept on re-enable).</summary>
    public string Listen { get; private set; }

    public string Upstream { get; private set; }

    public bool Enabled { get; private set; }

    public ImmutableArray<ToxicSpec> Toxics
    {
        get
        {
            lock (_sync)
            {
                return _toxics;
            }
        }
    }

    public ProxyCounters Counters => _context.Counters.Snapshot(Name);

    public ProxySnapshot Snapshot()
    {
        lock (_sync)
        {
            return new ProxySnapshot(Name, Listen, Upstream, Enabled, _toxics);
        }
    }

    /// <summary>Binds and starts accepting; throws <see cref="ApiException"/> 500 on bind failure.</summary>
    public void Start()
    {
        lock (_sync)
        {
            if (Enabled)
            {
                return;
            }

            var endpoint = HostPort.ResolveListen(Listen);
            var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                // Lets a disabled proxy re-bind its port while its closed connections sit in TIME_WAIT.
                listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                listener.Bind(endpoint);
                listener.Listen(1024);
            }
            catch (SocketException ex)
            {
                listener.Dispose();
                throw new ApiException(500, $"listen tcp {Listen}: bind: {ex.Message}");
            }

            Listen = HostPort.Format((System.Net.IPEndPoint)listener.LocalEndPoint!);
            _listener = listener;
            _acceptCancel = new CancellationTokenSource();
            Enabled = true;
            BackgroundTask.Observe(AcceptLoopAsync(listener, _acceptCancel.Token), _context.Logger, Name);
        }

        ProxyLog.ProxyStarted(_context.Logger, Name, Listen, Upstream);
    }

    /// <summary>Closes the listener (new connects refused) and every live connection.</summary>
    public void Stop()
    {
        lock (_sync)
        {
            if (!Enabled)
            {
                return;
            }

            Enabled = false;
            _acceptCancel?.Cancel();
            _acceptCancel?.Dispose();
            _acceptCancel = null;
            _listener?.Dispose();
            _listener = null;
            foreach (var connection in _connections.Values)
            {
                connection.Close("proxy disabled");
            }
        }

        ProxyLog.ProxyStopped(_context.Logger, Name);
    }

    /// <summary>Changes listen/upstream (restarting if either changed and the proxy runs).</summary>
    public void Reconfigure(string listen, string upstream)
    {
        if (listen == Listen && upstream == Upstream)
        {
            return;
        }

        var wasEnabled = Enabled;
        Stop();
        lock (_sync)
        {
            Listen = listen;
            Upstream = upstream;
        }

        if (wasEnabled)
        {
            Start();
        }
    }

    /// <summary>Replaces the toxic list; live connections apply the change at once.</summary>
    public void SetToxics(ImmutableArray<ToxicSpec> toxics)
    {
        lock (_sync)
        {
            _toxics = toxics;
            foreach (var connection in _connections.Values)
            {
                connection.Reconcile(toxics);
            }
        }
    }
}
