namespace ChatResilience.Bench;

/// <summary>
/// Where server-throughput's send→ack points send: the raw echo apps and the chat server with each log, in the bench's
/// own process (<see cref="ThroughputServers"/>) or in a child of their own (<see cref="ThroughputHostProcess"/>).
/// Disposing stops them.
/// </summary>
internal interface IThroughputTargets : IAsyncDisposable
{
    Uri EchoUri { get; }

    Uri Echo2Uri { get; }

    /// <summary>The chat server with the in-memory log; null when not a target.</summary>
    Uri? MemUri { get; }

    /// <summary>The chat server with the SQLite log; null when not a target.</summary>
    Uri? SqliteUri { get; }

    /// <summary>The servers' process CPU time so far, when they have a process of their own; null when they share the generator's.</summary>
    Func<TimeSpan>? ServerCpu { get; }

    /// <summary>A token both chat servers accept.</summary>
    string IssueToken(string userId);
}
