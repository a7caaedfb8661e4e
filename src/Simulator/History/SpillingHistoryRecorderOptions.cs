namespace ChatResilience.Simulator.History;

/// <summary>Settings of a <see cref="SpillingHistoryRecorder"/>.</summary>
public sealed record SpillingHistoryRecorderOptions
{
    /// <summary>Default <see cref="BufferEvents"/>: 8192.</summary>
    public const int DefaultBufferEvents = 8192;

    /// <summary>The JSON Lines file events spill to (created or replaced). Required.</summary>
    public required string Path { get; init; }

    /// <summary>Events held in memory before they are appended to <see cref="Path"/>. Default 8192.</summary>
    public int BufferEvents { get; init; } = DefaultBufferEvents;

    /// <summary>Stamped on every event (0 for a single-process run). Default 0.</summary>
    public int Worker { get; init; }

    /// <summary>This recorder's start on the coordinator's run clock (see <see cref="InMemoryHistoryRecorder"/>). Default zero.</summary>
    public TimeSpan StartOffset { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> listing every bad field.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Path))
        {
            errors.Add("Path must name a file");
        }

        if (BufferEvents is < 1 or > 10_000_000)
        {
            errors.Add($"BufferEvents must be in [1, 10000000], was {BufferEvents}");
        }

        if (Worker < 0)
        {
            errors.Add($"Worker must be ≥ 0, was {Worker}");
        }

        if (StartOffset < TimeSpan.Zero)
        {
            errors.Add($"StartOffset must be ≥ 0, was {StartOffset}");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid SpillingHistoryRecorderOptions: " + string.Join("; ", errors));
        }
    }
}
