using System.Net;
using System.Text.Json;
using ChatResilience.Server.Core;
using ChatResilience.Server.Processing;
using ChatResilience.Server.Storage;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ChatResilience.Server.Hosting;

/// <summary>
/// The chat server on ASP.NET Core / Kestrel: <c>/ws</c>, the admin API, <c>/metrics</c>, <c>/healthz</c>
/// and (outside Production) <c>POST /dev/token</c>. Start it, stop it gracefully (acks flushed, 1001 with
/// a retry hint), or abort it to simulate a crash; restart on the same SQLite file to resume.
/// </summary>
public sealed partial class ChatServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IMessageLog _log;
    private readonly PrometheusExporter _exporter;
    private int _stopped;

    private ChatServerHost(WebApplication app, ChatServerCore core, JwtTokenService tokens, IMessageLog log, PrometheusExporter exporter)
    {
        _app = app;
        Core = core;
        Tokens = tokens;
        _log = log;
        _exporter = exporter;
    }

    /// <summary>http://127.0.0.1:port</summary>
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>ws://127.0.0.1:port/ws</summary>
    public Uri WebSocketUri { get; private set; } = new("ws://127.0.0.1/ws");

    /// <summary>The transport-free core (metrics, counts, admin operations).</summary>
    public ChatServerCore Core { get; }

    /// <summary>The token service (issues with the configured or development key).</summary>
    public JwtTokenService Tokens { get; }

    internal WebApplication App => _app;

    /// <summary>
    /// The default builder reloads appsettings*.json on change, and to see a change it watches the content root, the
    /// working directory, with its subdirectories. The server's default database, chat.db, lives there too (so does
    /// chatsim's under artifacts/): every commit's WAL write woke the watcher's thread, which read the event and stat'ed
    /// the file. Measured with the database in the content root: that thread used ~7 % of the process's CPU at
    /// 100 connections x window 16 (bench/results/server-throughput.md, eleventh round). Options are read once at
    /// start, so a reload would change nothing; given first, a later <c>--hostBuilder:reloadConfigOnChange=true</c> in
    /// the server's own arguments still turns it on.
    /// </summary>
    internal const string NoConfigReload = "--hostBuilder:reloadConfigOnChange=false";

    /// <summary>Starts Kestrel on 127.0.0.1:<see cref="ChatServerHostOptions.Port"/> and returns once it listens.</summary>
    public static Task<ChatServerHost> StartAsync(ChatServerHostOptions options, TimeProvider? timeProvider = null, ILoggerProvider? loggerProvider = null, CancellationToken cancellationToken = default) =>
        StartAsync(options, timeProvider, loggerProvider, configure: null, args: [], cancellationToken);

    /// <summary>Starts with a hook on the builder (tests swap Kestrel for TestServer; Program passes its args).</summary>
    internal static async Task<ChatServerHost> StartAsync(ChatServerHostOptions options, TimeProvider? timeProvider, ILoggerProvider? loggerProvider, Action<WebApplicationBuilder>? configure, string[] args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var time = timeProvider ?? TimeProvider.System;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [NoConfigReload, .. args], EnvironmentName = options.Environment });
        if (loggerProvider is not null)
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(loggerProvider);
        }

        var chat = options.Chat;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.AddServerHeader = false;

            // The application answers 503/1013 at its own cap; Kestrel's bound sits just above it.
            k.Limits.MaxConcurrentUpgradedConnections = chat.MaxConnections + 64;
        });
        configure?.Invoke(builder);

        var tokens = new JwtTokenService(options.SigningKey ?? JwtTokenService.DevelopmentSigningKey, time);
        IMessageLog log = chat.StoragePath is { } path ? SqliteMessageLog.Open(path, time, chat.GroupCommitMaxBatch, chat.SqliteSynchronous == "FULL", chat.SqliteIndexBatch, chat.SqliteIndexRowsPerKey) : new InMemoryMessageLog();
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(tokens);
        builder.Services.AddSingleton(log);
        builder.Services.AddSingleton(sp => new ChatServerCore(
            chat, log, tokens, time, sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            options.EnableAssistant ? new SimulatedAssistantProcessor() : null));
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            // Header only: JwtBearer reads the query string only when told to, and it is not.
            o.MapInboundClaims = false;
            o.TokenValidationParameters = tokens.Parameters;
        });
        builder.Services.AddAuthorizationBuilder().AddPolicy(AdminEndpoints.Policy, p => p.RequireClaim(JwtTokenService.RoleClaim, JwtTokenService.AdminRole));

        var app = builder.Build();
        var core = app.Services.GetRequiredService<ChatServerCore>();
        var exporter = new PrometheusExporter([core.Metrics.Meter], PrometheusExporter.RuntimeMeterName);
        var host = new ChatServerHost(app, core, tokens, log, exporter);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ChatResilience.Server.Hosting");
        if (log is SqliteMessageLog { Conversion: { } conversion })
        {
            HostingLog.LogConverted(logger, chat.StoragePath!, conversion.Messages, (long)conversion.Took.TotalMilliseconds);
        }

        host.Map(options, logger);
        try
        {
            await core.StartAsync(cancellationToken);
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            // A port in use, say: nothing may stay open behind the exception (the log's file and writer thread).
            await host.FinishAsync();
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is not null)
        {
            var uri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
            host.BaseUri = new Uri($"http://127.0.0.1:{uri.Port}");
            host.WebSocketUri = new Uri($"ws://127.0.0.1:{uri.Port}/ws");
        }

        HostingLog.Listening(logger, host.BaseUri, host.WebSocketUri, chat.StoragePath ?? "in-memory");
        return host;
    }

    /// <summary>
    /// Completes once the process is asked to stop: SIGTERM (a container or service manager stopping it), SIGINT
    /// (Ctrl+C) or SIGQUIT, as the host's console lifetime receives them. That lifetime takes the signal from the
    /// runtime and only announces it; a host that was started rather than run stops when its owner calls
    /// <see cref="StopAsync"/> (before this existed, a SIGTERM left the server running).
    /// </summary>
    public async Task WaitForStopRequestAsync(CancellationToken cancellationToken = default)
    {
        var requested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = _app.Lifetime.ApplicationStopping.Register(() => requested.TrySetResult());
        await requested.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Issues a token with the server's key (development and tests).</summary>
    public string IssueToken(string userId, bool admin = false, TimeSpan? lifetime = null) => Tokens.Issue(userId, admin, lifetime);

    /// <summary>Graceful stop: pending acks flushed, every session closed 1001 with <c>{"retryAfterMs": n}</c>, log closed.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await Core.ShutdownAsync(cancellationToken);
        await _app.StopAsync(cancellationToken);
        await FinishAsync();
    }

    /// <summary>Simulated crash: connections dropped without close frames or flushing; only committed data survives.</summary>
    public async Task AbortAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        try
        {
            await _app.StopAsync(cancelled.Token);
        }
        catch (OperationCanceledException)
        {
            // Expected: nothing is awaited.
        }

        await FinishAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    private async Task FinishAsync()
    {
        await Core.DisposeAsync();
        await _log.DisposeAsync();
        _exporter.Dispose();
    }

    private void Map(ChatServerHostOptions options, ILogger logger)
    {
        var app = _app;
        app.UseWebSockets();
        app.UseAuthentication();
        app.UseAuthorization();
        app.Map(Protocol.ProtocolConstants.Path, (HttpContext context) => WebSocketEndpoint.HandleAsync(context, Core, Tokens, logger));
        AdminEndpoints.Map(app);
        app.MapGet("/healthz", () => Core.IsStopping ? Results.Text("stopping", statusCode: 503) : Results.Text("ok"));
        app.MapGet("/metrics", () => Results.Text(_exporter.Scrape(), "text/plain; version=0.0.4"));
        if (!options.IsProduction)
        {
            HostingLog.DevTokensOn(logger, options.Environment);
            app.MapPost("/dev/token", (Delegate)IssueDevTokenAsync);
        }
    }

    private async Task<IResult> IssueDevTokenAsync(HttpContext context)
    {
        DevTokenRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, HostingJsonContext.Default.DevTokenRequest, context.RequestAborted);
        }
        catch (JsonException)
        {
            return Results.BadRequest("body must be {\"sub\": \"...\", \"admin\"?: bool, \"lifetimeSeconds\"?: n}");
        }

        if (request is null || !Protocol.ProtocolFields.IsId(request.Sub) || request.LifetimeSeconds is <= 0 or > 31_536_000)
        {
            return Results.BadRequest("sub must be 1-64 chars of [A-Za-z0-9._:-]; lifetimeSeconds 1..31536000");
        }

        var lifetime = TimeSpan.FromSeconds(request.LifetimeSeconds ?? 3600);
        var token = Tokens.Issue(request.Sub!, request.Admin ?? false, lifetime);
        var exp = Core.Time.GetUtcNow().Add(lifetime).ToUnixTimeMilliseconds();
        return Results.Json(new DevTokenResponse(token, exp), HostingJsonContext.Default.DevTokenResponse);
    }
}
