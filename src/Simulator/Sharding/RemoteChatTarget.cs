using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// A worker's view of the server process: tokens over HTTP (one per user, cached so a restart window does not
/// need the server), and no admin actions or restarts — the coordinator performs those exactly once for all
/// workers, so here they only let the runner update its own clients' rooms.
/// </summary>
internal sealed class RemoteChatTarget(Uri serverUrl) : IChatTarget
{
    // Its tokens: the server's POST /dev/token, one per user, asked again after a failure (ExternalChatTarget's dev tokens).
    private readonly ExternalChatTarget _tokens = new(serverUrl, tokenCommand: null, adminToken: null);

    public string Upstream => _tokens.Upstream;

    public bool CanRestart => false;

    public ValueTask<string> GetTokenAsync(string userId, CancellationToken cancellationToken) => _tokens.GetTokenAsync(userId, cancellationToken);

    public Task DeleteRoomAsync(string room, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RemoveMemberAsync(string room, string userId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RestartAsync(bool graceful, CancellationToken cancellationToken) =>
        throw new HarnessException("server restarts of a sharded run belong to the coordinator");

    public ValueTask DisposeAsync() => _tokens.DisposeAsync();
}
