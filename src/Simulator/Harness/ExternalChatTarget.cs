using System.Collections.Concurrent;
using System.Diagnostics;

namespace ChatResilience.Simulator.Harness;

/// <summary>
/// A deployment the team runs itself: tokens come from <c>--token-command</c> (called with the user id as its
/// last argument), admin actions use <c>--admin-token</c>; it cannot be restarted by the harness.
/// </summary>
internal sealed class ExternalChatTarget : IChatTarget
{
    private readonly Uri _baseUri;
    private readonly string _tokenCommand;
    private readonly string? _adminToken;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly ConcurrentDictionary<string, Task<string>> _tokens = new(StringComparer.Ordinal);

    public ExternalChatTarget(Uri baseUri, string tokenCommand, string? adminToken)
    {
        _baseUri = baseUri;
        _tokenCommand = tokenCommand;
        _adminToken = adminToken;
        Upstream = $"{baseUri.Host}:{baseUri.Port}";
    }

    public string Upstream { get; }

    public bool CanRestart => false;

    public async ValueTask<string> GetTokenAsync(string userId, CancellationToken cancellationToken)
    {
        // One token per user per run: the command may be slow (a CLI that signs in).
        var task = _tokens.GetOrAdd(userId, u => RunTokenCommandAsync(u, CancellationToken.None));
        try
        {
            return await task.WaitAsync(cancellationToken);
        }
        catch (HarnessException)
        {
            _tokens.TryRemove(userId, out _);
            throw;
        }
    }

    public Task DeleteRoomAsync(string room, CancellationToken cancellationToken) =>
        AdminApi.DeleteAsync(_http, _baseUri, AdminApi.RoomPath(room), AdminToken(), cancellationToken);

    public Task RemoveMemberAsync(string room, string userId, CancellationToken cancellationToken) =>
        AdminApi.DeleteAsync(_http, _baseUri, AdminApi.MemberPath(room, userId), AdminToken(), cancellationToken);

    public Task RestartAsync(bool graceful, CancellationToken cancellationToken) =>
        throw new HarnessException("an external server cannot be restarted by chatsim");

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private string AdminToken() => _adminToken ?? throw new HarnessException("admin actions need --admin-token");

    private async Task<string> RunTokenCommandAsync(string userId, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(_tokenCommand + " \"$1\"");
        psi.ArgumentList.Add("chatsim-token");
        psi.ArgumentList.Add(userId);
        using var process = Process.Start(psi) ?? throw new HarnessException($"--token-command could not start: {_tokenCommand}");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var token = output.Trim();
        if (process.ExitCode != 0 || token.Length == 0)
        {
            throw new HarnessException($"--token-command exited {process.ExitCode} without a token for {userId}");
        }

        return token;
    }
}
