namespace ChatResilience.Simulator.Load.Sharded;

/// <summary>Where a sharded load run's server and load processes come from; the defaults are processes of this chatsim.</summary>
public sealed record ShardedLoadOptions
{
    /// <summary>
    /// Starts the server when the run has no <c>--server-url</c>, with a connection cap: its base URL (serving
    /// <c>POST /dev/token</c>) and what stops it. Default: <c>chatsim server</c> in a process of its own.
    /// </summary>
    public Func<int, CancellationToken, Task<(Uri BaseUri, IAsyncDisposable Server)>>? StartServer { get; init; }

    /// <summary>Starts one load process with the given <c>chatsim</c> arguments. Default: <see cref="LoadProcessHandle.Start"/>.</summary>
    public Func<IReadOnlyList<string>, LoadProcessHandle>? LaunchProcess { get; init; }

    /// <summary>
    /// Added to the bounds on every process being ready and on their end: processes on other machines are started by
    /// hand, and upload their files over a network.
    /// </summary>
    public TimeSpan RemoteGrace { get; init; }

    /// <summary>How far ahead of now the coordinator sets the common start, so every process has read it in time. Default 1 s.</summary>
    public TimeSpan StartLead { get; init; } = TimeSpan.FromSeconds(1);
}
