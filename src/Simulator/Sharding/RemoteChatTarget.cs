using System.Collections.Concurrent;
using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// A worker's view of the server process: tokens over HTTP (one per user, cached so a restart window does not
/// need the server), and no admin actions or restarts — the coordinator performs those exactly once for all
/// workers, so here they only let the runner update its own clients' rooms.
/// </summary>
internal sealed class RemoteChatTarget : IChatTarget
{
    private readonly Uri _serverUrl;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly ConcurrentDictionary<string, Task<string>> _tokens = new(StringComparer.Ordinal);

    public RemoteChatTarget(Uri serverUrl)
    {
        _serverUrl = serverUrl;
        Upstream = $"{serverUrl.Host}:{serverUrl.Port}";
    }

    public string Upstream { get; }

    public bool CanRestart => false;

    public async ValueTask<string> GetTokenAsync(string userId, CancellationToken cancellationToken)
    {
        var task = _tokens.GetOrAdd(userId, u => DevTokens.IssueAsync(_http, _serverUrl, u, admin: false, CancellationToken.None));
        try
        {
            return await task.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is HarnessException or HttpRequestException or TaskCanceledException)
        {
            // The next attempt asks again (the server may have been restarting).
            _tokens.TryRemove(new KeyValuePair<string, Task<string>>(userId, task));
            throw;
        }
    }

    public Task DeleteRoomAsync(string room, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RemoveMemberAsync(string room, string userId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RestartAsync(bool graceful, CancellationToken cancellationToken) =>
        throw new HarnessException("server restarts of a sharded run belong to the coordinator");

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
