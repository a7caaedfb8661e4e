using System.Net.WebSockets;
using ChatResilience.Protocol;
using ChatResilience.Protocol.Connections;
using ChatResilience.Server.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Time.Testing;

namespace ChatResilience.Server.Tests.Support;

/// <summary>The real ASP.NET Core pipeline over TestServer (no sockets), on a fake clock.</summary>
internal sealed class HostHarness : IAsyncDisposable
{
    private HostHarness(ChatServerHost host, FakeTimeProvider time)
    {
        Host = host;
        Time = time;
        Server = host.App.GetTestServer();
    }

    public ChatServerHost Host { get; }

    public FakeTimeProvider Time { get; }

    public TestServer Server { get; }

    public static async Task<HostHarness> StartAsync(ChatServerOptions? chat = null, string environment = "Development", string? signingKey = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new ChatServerHostOptions { Chat = chat ?? new ChatServerOptions(), Environment = environment, SigningKey = signingKey };
        var host = await ChatServerHost.StartAsync(options, time, Microsoft.Extensions.Logging.Abstractions.NullLoggerProvider.Instance, b => b.WebHost.UseTestServer(), [], CancellationToken.None);
        return new HostHarness(host, time);
    }

    public HttpClient Http(string? bearer = null)
    {
        var client = Server.CreateClient();
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>Upgrades <c>/ws</c> (or <paramref name="path"/>); throws when the upgrade is refused.</summary>
    public async Task<TestClient> OpenAsync(string? bearer = null, string? subProtocol = ProtocolConstants.SubProtocol, string path = "ws", string user = "u1", string clientId = "c1")
    {
        var ws = Server.CreateWebSocketClient();
        if (subProtocol is not null)
        {
            ws.SubProtocols.Add(subProtocol);
        }

        if (bearer is not null)
        {
            ws.ConfigureRequest = r => r.Headers.Authorization = "Bearer " + bearer;
        }

        WebSocket socket = await ws.ConnectAsync(new Uri(Server.BaseAddress, path), CancellationToken.None).WaitAsync(TestClient.Timeout);
        return new TestClient(new WebSocketFrameConnection(socket), Task.CompletedTask, user, clientId);
    }

    public async ValueTask DisposeAsync()
    {
        var stop = Host.StopAsync();
        for (var i = 0; i < 200 && !stop.IsCompleted; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.WhenAny(stop, Task.Delay(10));
        }

        await stop.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
