namespace ChatResilience.Simulator.Harness;

/// <summary>The server under test: the embedded one, or an external deployment.</summary>
internal interface IChatTarget : IAsyncDisposable
{
    /// <summary>host:port the fault proxies forward to.</summary>
    string Upstream { get; }

    /// <summary>True when the harness can restart the server (embedded only).</summary>
    bool CanRestart { get; }

    /// <summary>A valid bearer token for <paramref name="userId"/>.</summary>
    ValueTask<string> GetTokenAsync(string userId, CancellationToken cancellationToken);

    Task DeleteRoomAsync(string room, CancellationToken cancellationToken);

    Task RemoveMemberAsync(string room, string userId, CancellationToken cancellationToken);

    /// <summary>Stops (gracefully, or killed) and starts again on the same port with the same data.</summary>
    Task RestartAsync(bool graceful, CancellationToken cancellationToken);
}
