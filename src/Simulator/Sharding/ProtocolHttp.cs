using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// What the coordinators' HTTP APIs share (a sharded run's with its workers, a sharded load run's with its external
/// load processes): a Kestrel minimal API on the given address, bodies read with a named error instead of an
/// exception, every refusal a <see cref="ProtocolError"/>, and the callers' check of an answer.
/// </summary>
internal static class ProtocolHttp
{
    /// <summary>Starts an API on <paramref name="listen"/>:<paramref name="port"/> (0: a free port) with the endpoints <paramref name="map"/> adds.</summary>
    /// <param name="listen">Address to bind.</param>
    /// <param name="port">Port; 0 picks a free one.</param>
    /// <param name="map">Adds the endpoints.</param>
    /// <param name="secret">When set, every request must carry it as a bearer token (<see cref="CoordinatorSecret"/>), or gets 401.</param>
    /// <param name="certificate">When set, the API serves HTTPS with it and its chain (<see cref="CoordinatorTls"/>); else plain HTTP.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    /// <returns>The app and the URL processes are given (0.0.0.0 shown as 127.0.0.1: other machines need this host's address).</returns>
    public static async Task<(WebApplication App, Uri BaseUri)> StartAsync(
        IPAddress listen, int port, Action<WebApplication> map, string? secret, ServedCertificate? certificate, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (certificate is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(listen, port, endpoint =>
            {
                if (certificate is not null)
                {
                    endpoint.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = certificate.Certificate,
                        ServerCertificateChain = certificate.Chain.Count > 0 ? certificate.Chain : null,
                    });
                }
            });
            k.Limits.MaxRequestBodySize = 4L << 30; // a history of millions of deliveries
        });
        var app = builder.Build();
        if (secret is not null)
        {
            app.Use(async (http, next) =>
            {
                if (!CoordinatorSecret.Matches(http.Request.Headers.Authorization, secret))
                {
                    await Error(401, $"this coordinator needs its shared secret: set {CoordinatorSecret.EnvironmentVariable} to the same secret as the coordinator").ExecuteAsync(http);
                    return;
                }

                await next(http);
            });
        }

        map(app);
        await app.StartAsync(cancellationToken);
        var bound = app.Urls.Select(u => new Uri(u)).First();
        var host = listen.Equals(IPAddress.Any) ? "127.0.0.1" : listen.ToString();
        return (app, new Uri($"{(certificate is null ? "http" : "https")}://{host}:{bound.Port}/"));
    }

    /// <summary>Reads the request's JSON body: the value, or the error that says what was wrong with it.</summary>
    public static async Task<(T? Value, string? Error)> ReadAsync<T>(HttpContext http, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync(http.Request.Body, type, http.RequestAborted);
            return value is null ? (null, $"body must be a JSON {typeof(T).Name}, not null") : (value, null);
        }
        catch (JsonException e)
        {
            return (null, $"body is not a valid {typeof(T).Name}: {e.Message}");
        }
    }

    /// <summary>A refusal: <paramref name="status"/> with <c>{error}</c>.</summary>
    public static IResult Error(int status, string message) => Results.Json(new ProtocolError(message), ShardingJsonContext.Default.ProtocolError, statusCode: status);

    /// <summary>
    /// A process's registration with its coordinator: posted again every second while the coordinator is not listening
    /// yet (processes may be started first, on other machines) or answers 503 (its run is not ready for them), for up to
    /// <paramref name="retryFor"/>; any other refusal, or the coordinator's TLS certificate failing the caller's check, is
    /// at once a <see cref="Harness.HarnessException"/> saying so.
    /// </summary>
    public static async Task<TAnswer> RegisterAsync<TRequest, TAnswer>(
        HttpClient http, Uri uri, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TAnswer> answerType,
        TimeSpan retryFor, TimeProvider time, CancellationToken cancellationToken)
        where TAnswer : class
    {
        ArgumentNullException.ThrowIfNull(http);
        var started = time.GetTimestamp();
        while (true)
        {
            string why;
            try
            {
                using var response = await http.PostAsJsonAsync(uri, request, requestType, cancellationToken);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    await EnsureAsync(response, "registration", cancellationToken);
                    return await response.Content.ReadFromJsonAsync(answerType, cancellationToken)
                           ?? throw new Harness.HarnessException("registration answered null");
                }

                why = "the run is not ready for its processes yet";
            }
            catch (HttpRequestException e)
            {
                why = CoordinatorTls.CertificateRefusal(e) is { } refused ? throw new Harness.HarnessException(refused) : e.Message;
            }

            if (time.GetElapsedTime(started) >= retryFor)
            {
                throw new Harness.HarnessException($"no registration with {uri} within {retryFor.TotalSeconds:0} s: {why}");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
        }
    }

    /// <summary>Throws a <see cref="Harness.HarnessException"/> quoting the coordinator's answer unless it is a success.</summary>
    public static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new Harness.HarnessException($"{what}: coordinator answered {(int)response.StatusCode}: {body}");
        }
    }
}
