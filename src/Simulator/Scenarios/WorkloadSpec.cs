namespace ChatResilience.Simulator.Scenarios;

/// <summary>What the virtual clients do.</summary>
public sealed record WorkloadSpec
{
    /// <summary>Distinct users; client k belongs to user k mod Users (several devices per user). Default: = client count.</summary>
    public int? Users { get; init; }

    /// <summary>Room families; every client joins the rooms it is a member of at start. Default: one room of 10.</summary>
    public IReadOnlyList<RoomSpec> Rooms { get; init; } = [new RoomSpec()];

    /// <summary>Messages per second each client composes, spread over its rooms (Poisson arrivals). Default: 0.5.</summary>
    public double SendRatePerClient { get; init; } = 0.5;

    /// <summary>Message body sizes in UTF-8 bytes.</summary>
    public MessageSizeSpec MessageSize { get; init; } = new();

    /// <summary>Offline periods during which clients keep composing. Default: none.</summary>
    public IReadOnlyList<OfflinePeriodSpec> Offline { get; init; } = [];

    /// <summary>Readers that drain slowly (slow consumers). Default: none.</summary>
    public SlowReaderSpec? SlowReaders { get; init; }

    /// <summary>Skewed device clocks. Default: none.</summary>
    public ClockSkewSpec? ClockSkew { get; init; }
}

/// <summary>A family of rooms: <see cref="Count"/> rooms named <c>{Name}-{i}</c>, each with <see cref="Size"/> members.</summary>
public sealed record RoomSpec
{
    /// <summary>Room name prefix (PROTOCOL.md §2 room syntax). Default: <c>room</c>.</summary>
    public string Name { get; init; } = "room";

    /// <summary>How many rooms of this family. Default: 1.</summary>
    public int Count { get; init; } = 1;

    /// <summary>Members (clients) per room, at most the client count. Default: 10.</summary>
    public int Size { get; init; } = 10;

    /// <summary>An assistant room: names get the <c>assistant-</c> prefix and the server answers every message. Default: false.</summary>
    public bool Assistant { get; init; }
}

/// <summary>Body sizes, uniformly drawn in [Min, Max].</summary>
public sealed record MessageSizeSpec
{
    /// <summary>Smallest body in bytes. Default: 16.</summary>
    public int Min { get; init; } = 16;

    /// <summary>Largest body in bytes (at most 65,536). Default: 256.</summary>
    public int Max { get; init; } = 256;
}

/// <summary>A window during which a share of the clients is offline (network down) but keeps composing.</summary>
public sealed record OfflinePeriodSpec
{
    /// <summary>Only clients of this group; null means all groups. Default: null.</summary>
    public string? Group { get; init; }

    /// <summary>Share of the eligible clients taken offline (seeded pick). Default: 1.</summary>
    public double Fraction { get; init; } = 1;

    /// <summary>Start, relative to the run start. Required.</summary>
    public TimeSpan Start { get; init; }

    /// <summary>Length of the window. Required (&gt; 0).</summary>
    public TimeSpan Duration { get; init; }
}

/// <summary>Clients that read slowly: each delivered message holds the client's reader for <see cref="ReadDelay"/>.</summary>
public sealed record SlowReaderSpec
{
    /// <summary>Share of clients that read slowly. Default: 0.1.</summary>
    public double Fraction { get; init; } = 0.1;

    /// <summary>Time the application spends per delivered message. Default: 50 ms.</summary>
    public TimeSpan ReadDelay { get; init; } = TimeSpan.FromMilliseconds(50);
}

/// <summary>Clients whose device clock is off by up to ±<see cref="Max"/> (uniform, seeded).</summary>
public sealed record ClockSkewSpec
{
    /// <summary>Share of clients with a skewed clock. Default: 0.5.</summary>
    public double Fraction { get; init; } = 0.5;

    /// <summary>Largest absolute skew. Default: 5 min.</summary>
    public TimeSpan Max { get; init; } = TimeSpan.FromMinutes(5);
}
