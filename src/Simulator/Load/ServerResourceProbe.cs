using System.Diagnostics;

namespace ChatResilience.Simulator.Load;

/// <summary>
/// Samples the server's CPU and memory: from its <c>/metrics</c> when they are exported there, else (embedded
/// server only) from this process's own counters — which then include the clients and proxies, and
/// <see cref="Source"/> says so.
/// </summary>
internal sealed class ServerResourceProbe : IDisposable
{
    /// <summary>Source text when the numbers come from /metrics.</summary>
    public const string FromMetrics = "server /metrics";

    /// <summary>Source text when they come from the /metrics of a server inside this process.</summary>
    public const string FromInProcessMetrics = "server /metrics (embedded server: the System.Runtime meter measures the whole chatsim process — server, proxies and clients)";

    /// <summary>Source text of the in-process fallback.</summary>
    public const string FromProcess = "chatsim process counters (server, proxies and clients together: /metrics exports no process CPU/memory)";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Uri? _metricsUri;
    private readonly bool _processFallback;
    private readonly TimeProvider _time;
    private ResourceReading? _lastReading;
    private long _lastAt;
    private bool _metricsLackProcessStats;

    public ServerResourceProbe(Uri? metricsUri, bool processFallback, TimeProvider time)
    {
        _metricsUri = metricsUri;
        _processFallback = processFallback;
        _time = time;
        Source = metricsUri is null ? (processFallback ? FromProcess : "none") : processFallback ? FromInProcessMetrics : FromMetrics;
    }

    /// <summary>Where the numbers come from (changes to the fallback on the first scrape that lacks them).</summary>
    public string Source { get; private set; }

    /// <summary>The last scrape error, if any (the run goes on without server numbers).</summary>
    public string? LastError { get; private set; }

    /// <summary>Also the server's connection count when /metrics has it (<c>chat_server_connections</c>).</summary>
    public double? ServerConnections { get; private set; }

    /// <summary>
    /// The server process's mean scheduling lag since the previous sample, ms (<c>chat_server_scheduling_lag_seconds</c>):
    /// how late its own once-a-second tick ran, so a server short of CPU or threads shows even when it runs elsewhere.
    /// </summary>
    public double? ServerLagMs { get; private set; }

    public async Task<(double? CpuPercent, double? MemoryBytes)> SampleAsync(CancellationToken cancellationToken)
    {
        // The CPU counter is read somewhere inside the scrape: the scrape's midpoint bounds the timing error by half
        // its duration (a slow scrape on a busy machine otherwise reads as more CPU than the cores can give).
        var before = _time.GetTimestamp();
        var reading = await ReadAsync(cancellationToken);
        var after = _time.GetTimestamp();
        var at = before + ((after - before) / 2);
        var cpu = _lastAt == 0 ? null : ResourceReading.CpuPercent(_lastReading?.CpuSeconds, reading.CpuSeconds, _time.GetElapsedTime(_lastAt, at));
        if (cpu is { } c && _processFallback)
        {
            cpu = Math.Round(Math.Min(c, 100.0 * Environment.ProcessorCount), 1); // in process: cannot exceed this machine's cores
        }

        ServerLagMs = ResourceReading.MeanLagMs(_lastReading, reading);
        _lastReading = reading;
        _lastAt = at;
        return (cpu, reading.MemoryBytes);
    }

    public void Dispose() => _http.Dispose();

    private async Task<ResourceReading> ReadAsync(CancellationToken cancellationToken)
    {
        if (_metricsUri is not null && !_metricsLackProcessStats)
        {
            try
            {
                var samples = PrometheusTextParser.Parse(await _http.GetStringAsync(_metricsUri, cancellationToken));
                ServerConnections = PrometheusTextParser.Sum(samples, "chat_server_connections");
                var r = ResourceReading.From(samples);
                if (r.CpuSeconds is not null || r.MemoryBytes is not null)
                {
                    return r;
                }

                _metricsLackProcessStats = true;
                Source = _processFallback ? FromProcess : "none (/metrics exports no process CPU/memory)";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FormatException)
            {
                LastError = $"{_metricsUri}: {e.Message}";
                return new ResourceReading(null, null);
            }
        }

        if (!_processFallback)
        {
            return new ResourceReading(null, null);
        }

        using var p = Process.GetCurrentProcess();
        return new ResourceReading(p.TotalProcessorTime.TotalSeconds, p.WorkingSet64);
    }
}
