using System.Net;
using System.Text.Json;
using ChatResilience.Simulator.History;
using ChatResilience.Simulator.Sharding;

namespace ChatResilience.Simulator.Load.Sharded.Remote;

/// <summary>
/// The HTTP API through which load processes on other machines take part in a sharded load run (Kestrel minimal API;
/// endpoints in Sharding/README.md). Every bad request gets a 4xx with a <see cref="ProtocolError"/> naming the
/// problem; nothing a process sends can crash the coordinator or stand for another share's results.
/// </summary>
internal sealed class LoadCoordinatorApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoadCoordinatorApi(WebApplication app, Uri baseUri, string? fingerprint)
    {
        _app = app;
        BaseUri = baseUri;
        Fingerprint = fingerprint;
    }

    /// <summary>The URL load processes pass as <c>--coordinator</c> (0.0.0.0 shown as 127.0.0.1: give other machines this host's address).</summary>
    public Uri BaseUri { get; }

    /// <summary>The SHA-256 fingerprint of the API's certificate (<see cref="CoordinatorTls"/>); null when it serves plain HTTP.</summary>
    public string? Fingerprint { get; }

    /// <summary>What a process is started with to join: <c>--coordinator URL</c>, and the fingerprint when the API serves HTTPS.</summary>
    public string JoinArguments => CoordinatorTls.JoinArguments(BaseUri, Fingerprint);

    /// <param name="processes">The book of shares.</param>
    /// <param name="listen">Address to bind (127.0.0.1 for processes on this machine; 0.0.0.0 for processes elsewhere).</param>
    /// <param name="port">Port; 0 picks a free one.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    /// <param name="secret">The shared secret every request must carry (<see cref="CoordinatorSecret"/>); null: none.</param>
    /// <param name="certificate">When set, the API serves HTTPS with it (<see cref="CoordinatorTls"/>).</param>
    public static async Task<LoadCoordinatorApi> StartAsync(RemoteLoadProcesses processes, IPAddress listen, int port, CancellationToken cancellationToken = default, string? secret = null, ServedCertificate? certificate = null)
    {
        ArgumentNullException.ThrowIfNull(processes);
        var (app, baseUri) = await ProtocolHttp.StartAsync(listen, port, a => Map(a, processes), secret, certificate, cancellationToken);
        return new LoadCoordinatorApi(app, baseUri, certificate?.Fingerprint);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static void Map(WebApplication app, RemoteLoadProcesses processes)
    {
        var ctx = RemoteLoadJsonContext.Default;
        app.MapGet("/v1/load/clock", () => Results.Json(processes.Clock(), ctx.LoadClockReading));
        app.MapPost("/v1/load/register", async (HttpContext http) =>
        {
            var (request, error) = await ProtocolHttp.ReadAsync(http, ctx.LoadRegisterRequest);
            if (request is null)
            {
                return ProtocolHttp.Error(400, error!);
            }

            var (shard, assignment, status, refused) = processes.Register(request);
            if (assignment is null)
            {
                if (status == 503)
                {
                    http.Response.Headers.RetryAfter = "1";
                }

                return ProtocolHttp.Error(status, refused!);
            }

            http.Response.Headers.Location = $"/v1/load/{shard}";
            return Results.Json(assignment, ctx.LoadAssignment);
        });
        app.MapPost("/v1/load/{shard:int}/poll", async (int shard, HttpContext http) =>
        {
            var (poll, error) = await ProtocolHttp.ReadAsync(http, ctx.LoadPoll);
            if (poll is null)
            {
                return ProtocolHttp.Error(400, error!);
            }

            return processes.Poll(shard, poll) is { } orders ? Results.Json(orders, ctx.LoadOrders) : Unknown(shard);
        });
        app.MapPut("/v1/load/{shard:int}/history", async (int shard, HttpContext http) =>
        {
            var (directory, status, refused) = processes.UploadTarget(shard, result: false);
            if (directory is null)
            {
                return ProtocolHttp.Error(status, refused!);
            }

            var path = Path.Combine(directory, LoadShardResult.HistoryFileName);
            var part = path + ".part";
            Directory.CreateDirectory(directory);
            await using (var file = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await http.Request.Body.CopyToAsync(file, http.RequestAborted);
            }

            // Read back before it counts: a malformed line is the uploader's error now, not the merge's later.
            try
            {
                await using var check = File.OpenRead(part);
                await foreach (var unused in HistoryFile.ReadEventsAsync(check, http.RequestAborted))
                {
                }
            }
            catch (InvalidDataException e)
            {
                File.Delete(part);
                return ProtocolHttp.Error(400, e.Message);
            }

            File.Move(part, path, overwrite: true);
            processes.HistoryUploaded(shard);
            return Results.NoContent();
        });
        app.MapPut("/v1/load/{shard:int}/result", async (int shard, int? exitCode, HttpContext http) =>
        {
            if (exitCode is null)
            {
                return ProtocolHttp.Error(400, "the query must carry the process's exitCode");
            }

            var (directory, status, refused) = processes.UploadTarget(shard, result: true);
            if (directory is null)
            {
                return ProtocolHttp.Error(status, refused!);
            }

            var (result, error) = await ProtocolHttp.ReadAsync(http, LoadJsonContext.Default.LoadShardResult);
            if (result is null)
            {
                return ProtocolHttp.Error(400, error!);
            }

            if (LoadShard.TryParse(result.Shard ?? "") is not { } of || of.Index != shard || of.Count != processes.Count)
            {
                return ProtocolHttp.Error(400, $"the result is of share {result.Shard}, not {shard}/{processes.Count}");
            }

            await File.WriteAllBytesAsync(Path.Combine(directory, LoadShardResult.FileName), JsonSerializer.SerializeToUtf8Bytes(result, LoadJsonContext.Default.LoadShardResult), http.RequestAborted);
            processes.ResultUploaded(shard, exitCode.Value);
            return Results.NoContent();
        });
        app.MapPost("/v1/load/{shard:int}/failed", async (int shard, HttpContext http) =>
        {
            var (failure, error) = await ProtocolHttp.ReadAsync(http, ctx.LoadFailure);
            if (failure is null)
            {
                return ProtocolHttp.Error(400, error!);
            }

            var message = failure.Error ?? "";
            return processes.Failed(shard, message.Length > 2000 ? message[..2000] + "…" : message) ? Results.NoContent() : Unknown(shard);
        });
    }

    private static IResult Unknown(int shard) => ProtocolHttp.Error(404, $"load process {shard} is not registered");
}
