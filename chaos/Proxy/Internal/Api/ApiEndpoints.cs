
namespace ChatResilience.Chaos.Proxy.Internal.Api;

/// <summary>Toxiproxy's HTTP API (TOXIPROXY.md "Endpoints") over a <see cref="ProxyRegistry"/>.</summary>
internal sealed partial class ApiEndpoints(ProxyRegistry registry, ILogger logger)
{
    /// <summary>The version reported by GET /version: the Toxiproxy release whose API this mirrors.</summary>
    public const string Version = "2.12.0";

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/version", c => Run(c, VersionAsync));
        app.MapPost("/reset", c => Run(c, ResetAsync));
        app.MapPost("/populate", c => Run(c, PopulateAsync));
        app.MapGet("/proxies", c => Run(c, ListProxiesAsync));
        app.MapPost("/proxies", c => Run(c, CreateProxyAsync));
        app.MapGet("/proxies/{proxy}", c => Run(c, GetProxyAsync));
        app.MapMethods("/proxies/{proxy}", ["PATCH", "POST"], c => Run(c, UpdateProxyAsync));
        app.MapDelete("/proxies/{proxy}", c => Run(c, DeleteProxyAsync));
        app.MapGet("/proxies/{proxy}/toxics", c => Run(c, ListToxicsAsync));
        app.MapPost("/proxies/{proxy}/toxics", c => Run(c, AddToxicAsync));
        app.MapGet("/proxies/{proxy}/toxics/{toxic}", c => Run(c, GetToxicAsync));
        app.MapMethods("/proxies/{proxy}/toxics/{toxic}", ["PATCH", "POST"], c => Run(c, UpdateToxicAsync));
        app.MapDelete("/proxies/{proxy}/toxics/{toxic}", c => Run(c, DeleteToxicAsync));
    }

    /// <summary>Toxiproxy refuses browsers (a guard against cross-site requests to a local API).</summary>
    public static async Task BrowserGuardAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Headers.UserAgent.ToString().StartsWith("Mozilla/", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("User agent not allowed\n", context.RequestAborted);
            return;
        }

        await next(context);
    }

    /// <summary>Every handler runs here: API errors become Toxiproxy error bodies, nothing escapes.</summary>
    private async Task Run(HttpContext context, Func<HttpContext, Task> handler)
    {
        try
        {
            await handler(context);
        }
        catch (ApiException ex)
        {
            ProxyLog.ApiError(logger, context.Request.Method, context.Request.Path, ex.Status, ex.Message);
            await ApiResponses.ErrorAsync(context, ex.Status, ex.Message);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own refusals while reading the body (too large, malformed framing).
            ProxyLog.ApiError(logger, context.Request.Method, context.Request.Path, ex.StatusCode, ex.Message);
            await ApiResponses.ErrorAsync(context, ex.StatusCode, "bad request body: " + ex.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // Client went away.
        }
#pragma warning disable CA1031 // The API must never crash on what a client sends: last-resort 500.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ProxyLog.ApiCrash(logger, ex, context.Request.Method, context.Request.Path);
            if (!context.Response.HasStarted)
            {
                await ApiResponses.ErrorAsync(context, 500, ex.Message);
            }
        }
    }

    private static string Route(HttpContext context, string key) => (string)context.Request.RouteValues[key]!;
}
