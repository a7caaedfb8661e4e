using ChatResilience.Server;
using ChatResilience.Server.Hosting;
using Microsoft.AspNetCore.Connections;

// `dotnet run --project src/Server`: loopback on port 5080 (config "Port"), SQLite ./chat.db by default
// (config "Chat:StoragePath"; "Chat:InMemory=true" for an in-memory log), dev tokens outside Production.
// Exit codes: 0 stopped gracefully (Ctrl+C, SIGTERM), 64 bad configuration, 69 the port is taken.
const int ExitBadConfiguration = 64;
const int ExitUnavailable = 69;

ChatServerHostOptions options;
try
{
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

    options = new ChatServerHostOptions
    {
        Port = config.GetValue("Port", 5080),
        Chat = chat,
        Environment = config["Environment"] ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Development",
        SigningKey = config["SigningKey"],
    };
    options.Validate();
}
catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or InvalidDataException)
{
    // A value that does not convert (the binder), one out of range (Validate), or an unreadable appsettings.json.
    await Console.Error.WriteLineAsync($"chat server: bad configuration: {e.Message}");
    return ExitBadConfiguration;
}

ChatServerHost host;
try
{
    host = await ChatServerHost.StartAsync(options);
}
catch (IOException e) when (e.InnerException is AddressInUseException)
{
    await Console.Error.WriteLineAsync($"chat server: cannot listen on 127.0.0.1:{options.Port}: the port is in use (another server? choose one with --Port N, or --Port 0 for any free port)");
    return ExitUnavailable;
}

await using (host)
{
    Console.WriteLine($"ChatResilience server listening on {host.BaseUri} (WebSocket {host.WebSocketUri}); Ctrl+C or SIGTERM stops gracefully.");

    // Ctrl+C and SIGTERM reach the host's console lifetime, which only announces them (a host that is started, not
    // run): the stop itself is ours, acks flushed, sessions closed 1001 with a retry hint, the log closed.
    await host.WaitForStopRequestAsync();
    await host.StopAsync();
}

return 0;
