namespace ChatResilience.Client.Outbox;

/// <summary>Options of <see cref="SqliteOutboxStore"/>.</summary>
public sealed record SqliteOutboxOptions
{
    /// <summary>Path of the database file (one per client installation). Required.</summary>
    public required string Path { get; init; }

    /// <summary>
    /// True: <c>synchronous=FULL</c>, every commit is fsynced (survives power loss). Default false:
    /// <c>synchronous=NORMAL</c> in WAL mode, which survives a killed process (the crash model of the
    /// issue) and lets group commit reach tens of thousands of appends per second.
    /// </summary>
    public bool SyncEveryCommit { get; init; }

    /// <summary>Most operations committed in one transaction. Default 1024.</summary>
    public int MaxBatch { get; init; } = 1024;

    /// <summary>Throws <see cref="ArgumentException"/> listing every bad field.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Path))
        {
            errors.Add("Path must be a file path");
        }

        if (MaxBatch is < 1 or > 100_000)
        {
            errors.Add($"MaxBatch must be in [1, 100000], was {MaxBatch}");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid SqliteOutboxOptions: " + string.Join("; ", errors));
        }
    }
}
