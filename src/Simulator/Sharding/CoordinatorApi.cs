using System.Net;
using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// The coordinator's HTTP API (Kestrel minimal API; endpoints and bodies in README.md). Every bad request gets a
/// 4xx with a <see cref="ProtocolError"/> naming the problem; nothing a worker sends can crash the coordinator.
/// </summary>
internal sealed class CoordinatorApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CoordinatorApi(WebApplication app, Uri baseUri, string? fingerprint)
    {
        _app = app;
        BaseUri = baseUri;
        Fingerprint = fingerprint;
    }

    /// <summary>The URL workers pass as <c>--coordinator</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The SHA-256 fingerprint of the API's certificate (<see cref="CoordinatorTls"/>); null when it serves plain HTTP.</summary>
    public string? Fingerprint { get; }

    /// <summary>What a process is started with to join: <c>--coordinator URL</c>, and the fingerprint when the API serves HTTPS.</summary>
    public string JoinArguments => CoordinatorTls.JoinArguments(BaseUri, Fingerprint);

    /// <param name="state">The book of workers.</param>
    /// <param name="clockMs">The coordinator's run clock (fractional ms).</param>
    /// <param name="listen">Address to bind (127.0.0.1 for local workers; 0.0.0.0 for workers elsewhere).</param>
    /// <param name="port">Port; 0 picks a free one.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    /// <param name="secret">The shared secret every request must carry (<see cref="CoordinatorSecret"/>); null: none.</param>
    /// <param name="certificate">When set, the API serves HTTPS with it (<see cref="CoordinatorTls"/>).</param>
    public static async Task<CoordinatorApi> StartAsync(CoordinatorState state, Func<double> clockMs, IPAddress listen, int port, CancellationToken cancellationToken = default, string? secret = null, ServedCertificate? certificate = null)
    {
        var (app, baseUri) = await ProtocolHttp.StartAsync(listen, port, a => Map(a, state, clockMs), secret, certificate, cancellationToken);
        return new CoordinatorApi(app, baseUri, certificate?.Fingerprint);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static void Map(WebApplication app, CoordinatorState state, Func<double> clockMs)
    {
        var ctx = ShardingJsonContext.Default;
        app.MapGet("/v1/clock", () => Results.Json(new ClockReading(clockMs()), ctx.ClockReading));
        app.MapPost("/v1/register", async (HttpContext http) =>
        {
            var (request, error) = await ProtocolHttp.ReadAsync(http, ctx.RegisterRequest);
            if (request is null)
            {
                return ProtocolHttp.Error(400, error!);
            }

            var (assignment, status, refused) = state.Register(request);
            return assignment is null ? ProtocolHttp.Error(status, refused!) : Results.Json(assignment, ctx.WorkerAssignment);
        });
        app.MapPost("/v1/workers/{id:int}/heartbeat", async (int id, HttpContext http) =>
        {
            var (heartbeat, error) = await ProtocolHttp.ReadAsync(http, ctx.WorkerHeartbeat);
            if (heartbeat is null)
            {
                return ProtocolHttp.Error(400, error!);
            }

            return state.Heartbeat(id, heartbeat) is { } command ? Results.Json(command, ctx.WorkerCommand) : Unknown(id);
        });
        app.MapPost("/v1/workers/{id:int}/quiesce", async (int id, HttpContext http) =>
        {
            var (report, error) = await ProtocolHttp.ReadAsync(http, ctx.QuiesceReport);
            if (report is null)
            {
                return ProtocolHttp.Error(400, error!);
            }

            return state.Quiesce(id, report) ? Results.Accepted() : Unknown(id);
        });
        app.MapPost("/v1/workers/{id:int}/history", async (int id, HttpContext http) =>
        {
            // Straight into the compact form: a worker's millions of deliveries never exist here as objects at once.
            var events = new RecordedHistoryBuilder(state.HistorySpillDirectory);
            try
            {
                await foreach (var e in HistoryFile.ReadEventsAsync(http.Request.Body, http.RequestAborted))
                {
                    if (ShardCoordinator.KeepFromWorker(e))
                    {
                        events.Add(e);
                    }
                }
            }
            catch (InvalidDataException e)
            {
                return ProtocolHttp.Error(400, e.Message);
            }

            return state.History(id, events) ? Results.NoContent() : Unknown(id);
        });
        app.MapPost("/v1/workers/{id:int}/result", async (int id, HttpContext http) =>
        {
            var (result, error) = await ProtocolHttp.ReadAsync(http, ctx.WorkerResult);
            if (result is null)
            {
                return ProtocolHttp.Error(400, error!);
            }

            return state.Result(id, result) is { } refused ? ProtocolHttp.Error(409, refused) : Results.NoContent();
        });
    }

    private static IResult Unknown(int id) => ProtocolHttp.Error(404, $"worker {id} is not registered");
}
