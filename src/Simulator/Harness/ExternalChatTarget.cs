using System.Collections.Concurrent;
using System.Diagnostics;

namespace ChatResilience.Simulator.Harness;

/// <summary>
/// A deployment the team runs itself: tokens come from <c>--token-command</c> (called with the user id as its
/// last argument) or <c>--token-file</c>, and admin actions use <c>--admin-token</c>, or, for a development server,
/// both come from its <c>POST /dev/token</c> (<c>--dev-tokens</c>); it cannot be restarted by the harness.
/// </summary>
internal sealed class ExternalChatTarget : IChatTarget
{
    /// <summary>The subject of the admin token a development server issues for admin actions.</summary>
    internal const string DevAdminUser = "chatsim-admin";

    private readonly Uri _baseUri;
    private readonly string? _tokenCommand;
    private readonly string? _adminToken;
    private readonly IReadOnlyDictionary<string, string>? _issued;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly ConcurrentDictionary<string, Task<string>> _tokens = new(StringComparer.Ordinal);
    private Task<string>? _devAdminToken;

    /// <param name="baseUri">The server's base URL.</param>
    /// <param name="tokenCommand">Prints a token for the user id appended to it; null: tokens from <c>POST /dev/token</c>.</param>
    /// <param name="adminToken">The admin actions' bearer token; with dev tokens one is issued when first needed.</param>
    /// <param name="issued">Tokens from a <see cref="TokenFile"/>, user id → token; when given, the only source of users' tokens.</param>
    public ExternalChatTarget(Uri baseUri, string? tokenCommand, string? adminToken, IReadOnlyDictionary<string, string>? issued = null)
    {
        _baseUri = baseUri;
        _tokenCommand = tokenCommand;
        _adminToken = adminToken;
        _issued = issued;
        Upstream = $"{baseUri.Host}:{baseUri.Port}";
    }

    public string Upstream { get; }

    public bool CanRestart => false;

    public async ValueTask<string> GetTokenAsync(string userId, CancellationToken cancellationToken)
    {
        if (_issued is not null)
        {
            return _issued.TryGetValue(userId, out var issued) ? issued : throw new HarnessException($"--token-file: no token for user '{userId}'");
        }

        // One token per user per run: the command may be slow (a CLI that signs in).
        var task = _tokens.GetOrAdd(userId, u => _tokenCommand is null ? DevTokenAsync(u, admin: false) : RunTokenCommandAsync(u, CancellationToken.None));
        try
        {
            return await task.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is HarnessException or HttpRequestException or TaskCanceledException)
        {
            // Asked again next time (a development server may have been restarting).
            _tokens.TryRemove(new KeyValuePair<string, Task<string>>(userId, task));
            throw;
        }
    }

    public async Task DeleteRoomAsync(string room, CancellationToken cancellationToken) =>
        await AdminApi.DeleteAsync(_http, _baseUri, AdminApi.RoomPath(room), await AdminTokenAsync(cancellationToken), cancellationToken);

    public async Task RemoveMemberAsync(string room, string userId, CancellationToken cancellationToken) =>
        await AdminApi.DeleteAsync(_http, _baseUri, AdminApi.MemberPath(room, userId), await AdminTokenAsync(cancellationToken), cancellationToken);

    public Task RestartAsync(bool graceful, CancellationToken cancellationToken) =>
        throw new HarnessException("an external server cannot be restarted by chatsim");

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<string> AdminTokenAsync(CancellationToken cancellationToken)
    {
        if (_adminToken is not null)
        {
            return _adminToken;
        }

        if (_tokenCommand is not null || _issued is not null)
        {
            throw new HarnessException("admin actions need --admin-token");
        }

        // A development server issues one, once (admin actions are rare: two racing callers may each get one).
        var task = _devAdminToken ??= DevTokenAsync(DevAdminUser, admin: true);
        try
        {
            return await task.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is HarnessException or HttpRequestException or TaskCanceledException)
        {
            _devAdminToken = null;
            throw;
        }
    }

    private Task<string> DevTokenAsync(string userId, bool admin) => Sharding.DevTokens.IssueAsync(_http, _baseUri, userId, admin, CancellationToken.None);

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
