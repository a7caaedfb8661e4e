using ChatResilience.Server;
using ChatResilience.Server.Hosting;

// `dotnet run --project src/Server`: loopback on port 5080 (config "Port"), SQLite ./chat.db by default
// (config "Chat:StoragePath"; "Chat:InMemory=true" for an in-memory log), dev tokens outside Production.
var config = new ConfigurationBuilder()
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables("CHAT_")
    .AddCommandLine(args)
    .Build();
var chat = config.GetSection(ChatServerOptions.SectionName).Get<ChatServerOptions>() ?? new ChatServerOptions();
if (chat.StoragePath is null && !config.GetValue("Chat:InMemory", false))
{
    chat = chat with { StoragePath = "chat.db" };
}

var options = new ChatServerHostOptions
{
    Port = config.GetValue("Port", 5080),
    Chat = chat,
    Environment = config["Environment"] ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Development",
    SigningKey = config["SigningKey"],
};

await using var host = await ChatServerHost.StartAsync(options);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
Console.WriteLine($"ChatResilience server listening on {host.BaseUri} (WebSocket {host.WebSocketUri}); Ctrl+C stops gracefully.");
try
{
    await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, stop.Token);
}
catch (OperationCanceledException)
{
    // Ctrl+C or SIGTERM: graceful stop below.
}

await host.StopAsync();
return 0;
