using ChatResilience.Protocol;

namespace ChatResilience.Server;

/// <summary>
/// Everything the chat server enforces and announces in <c>welcome</c>. Bound from the configuration
/// section <c>"Chat"</c>; <see cref="Validate"/> lists every bad field at once.
/// </summary>
public sealed record ChatServerOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Chat";

    /// <summary>Interval of server pings; 2× this of silence closes with 4408. Default 5 s.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a new connection may take to send <c>hello</c>. Default 10 s.</summary>
    public TimeSpan HelloTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest frame before or after decompression. Default 1 MiB.</summary>
    public int MaxFrameBytes { get; init; } = FrameLimits.DefaultMaxFrameBytes;

    /// <summary>Largest <c>body</c> in UTF-8 bytes. Default 64 KiB.</summary>
    public int MaxBodyBytes { get; init; } = FrameLimits.DefaultMaxBodyBytes;

    /// <summary>Unsettled sends a client may have in flight (announced). Default 64.</summary>
    public int MaxInFlight { get; init; } = 64;

    /// <summary>Sustained sends per second per connection. Default 100.</summary>
    public double RateLimitPerSecond { get; init; } = 100;

    /// <summary>Token-bucket burst per connection. Default 200.</summary>
    public int RateLimitBurst { get; init; } = 200;

    /// <summary>Messages kept per room. Default 100,000.</summary>
    public long RetentionMessages { get; init; } = 100_000;

    /// <summary>Age after which messages and settlement outcomes may be trimmed. Default 7 days.</summary>
    public TimeSpan RetentionAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How often retention runs. Default 1 min.</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Sends whose <c>sentAt</c> is older than this are refused <c>expired</c>. Default 1 day.</summary>
    public TimeSpan MaxOfflineAge { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Largest <c>history.limit</c>. Default 500.</summary>
    public int HistoryMaxLimit { get; init; } = FrameLimits.DefaultHistoryMaxLimit;

    /// <summary>Messages read from the log per replay step. Default 256.</summary>
    public int ReplayBatchMessages { get; init; } = 256;

    /// <summary>Bound of a connection's <c>msg</c> queue in frames. Default 4,096.</summary>
    public int OutboundQueueMessages { get; init; } = 4096;

    /// <summary>Bound of a connection's <c>msg</c> queue in bytes. Default 8 MiB.</summary>
    public long OutboundQueueBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>Bound of a connection's control-frame queue. Default 4,096.</summary>
    public int ControlQueueFrames { get; init; } = 4096;

    /// <summary>Live connections per user; more closes with 4429. Default 16.</summary>
    public int MaxConnectionsPerUser { get; init; } = 16;

    /// <summary>Live connections in total; more gets 503 before and 1013 after the upgrade. Default 10,000.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>SQLite file of the log; null keeps the log in memory. Default null.</summary>
    public string? StoragePath { get; init; }

    /// <summary>
    /// SQLite <c>PRAGMA synchronous</c>: <c>FULL</c> fsyncs every commit before its acks (survives process kill and
    /// power loss); <c>NORMAL</c> survives a process kill but may lose the last commits on power loss. Default FULL.
    /// </summary>
    public string SqliteSynchronous { get; init; } = "FULL";

    /// <summary>Most appends committed in one SQLite transaction (group commit). Default 512.</summary>
    public int GroupCommitMaxBatch { get; init; } = 512;

    /// <summary>
    /// Journal rows the SQLite log gathers before indexing them. Larger: more acks/s, a longer
    /// pause for the appends queued behind each move (the p99), a larger tail in memory. Default 4,096.
    /// </summary>
    public int SqliteIndexBatch { get; init; } = Storage.SqliteMessageLog.DefaultIndexBatch;

    /// <summary>
    /// Rows per room and per client in the SQLite log's tail gathered before indexing, when that is more than
    /// <see cref="SqliteIndexBatch"/> (at most <see cref="Storage.SqliteMessageLog.MaxIndexBatchFactor"/> times it): many rooms and clients write fewer index pages per message.
    /// 0: always <see cref="SqliteIndexBatch"/>. Default 16.
    /// </summary>
    public int SqliteIndexRowsPerKey { get; init; } = Storage.SqliteMessageLog.DefaultIndexRowsPerKey;

    /// <summary>Hint sent with 1001 on shutdown, 1013 and 4429. Default 1 s.</summary>
    public TimeSpan ShutdownRetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long shutdown waits for pending acks to be sent. Default 5 s.</summary>
    public TimeSpan ShutdownFlushTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Simulated think time of the assistant in <c>assistant-*</c> rooms. Default 200 ms.</summary>
    public TimeSpan AssistantThinkTime { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>User id the assistant posts as. Default <c>assistant</c>.</summary>
    public string AssistantUserId { get; init; } = "assistant";

    /// <summary>Compression threshold for outgoing frames in bytes; 0 disables compression. Default 1 KiB.</summary>
    public int CompressionThresholdBytes { get; init; } = 1024;

    /// <summary>TEST ONLY: deliberate bugs for the simulator's gate tests. All off by default.</summary>
    public ServerBugSwitches Bugs { get; init; } = new();

    /// <summary>The decode limits derived from these options.</summary>
    public FrameLimits ToFrameLimits() => new() { MaxFrameBytes = MaxFrameBytes, MaxBodyBytes = MaxBodyBytes, HistoryMaxLimit = HistoryMaxLimit };

    /// <summary>Throws <see cref="ArgumentException"/> naming every field out of range.</summary>
    public ChatServerOptions Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string field, string range)
        {
            if (!ok)
            {
                errors.Add($"{field} must be {range}");
            }
        }

        Check(HeartbeatInterval >= TimeSpan.FromMilliseconds(10) && HeartbeatInterval <= TimeSpan.FromHours(1), nameof(HeartbeatInterval), "10 ms..1 h");
        Check(HelloTimeout > TimeSpan.Zero, nameof(HelloTimeout), "> 0");
        Check(MaxFrameBytes is >= 1024 and <= 64 * 1024 * 1024, nameof(MaxFrameBytes), "1 KiB..64 MiB");
        Check(MaxBodyBytes >= 1 && MaxBodyBytes < MaxFrameBytes, nameof(MaxBodyBytes), "1..MaxFrameBytes-1");
        Check(MaxInFlight is >= 1 and <= 10_000, nameof(MaxInFlight), "1..10,000");
        Check(RateLimitPerSecond is > 0 and <= 1_000_000, nameof(RateLimitPerSecond), "> 0 and <= 1,000,000");
        Check(RateLimitBurst is >= 1 and <= 1_000_000, nameof(RateLimitBurst), "1..1,000,000");
        Check(RetentionMessages >= 1, nameof(RetentionMessages), ">= 1");
        Check(RetentionAge > TimeSpan.Zero, nameof(RetentionAge), "> 0");
        Check(RetentionInterval > TimeSpan.Zero, nameof(RetentionInterval), "> 0");
        Check(MaxOfflineAge > TimeSpan.Zero, nameof(MaxOfflineAge), "> 0");
        Check(HistoryMaxLimit is >= 1 and <= 10_000, nameof(HistoryMaxLimit), "1..10,000");
        Check(ReplayBatchMessages is >= 1 and <= 10_000, nameof(ReplayBatchMessages), "1..10,000");
        Check(OutboundQueueMessages >= 1, nameof(OutboundQueueMessages), ">= 1");
        Check(OutboundQueueBytes >= MaxFrameBytes, nameof(OutboundQueueBytes), ">= MaxFrameBytes");
        Check(ControlQueueFrames >= MaxInFlight, nameof(ControlQueueFrames), ">= MaxInFlight");
        Check(MaxConnectionsPerUser >= 1, nameof(MaxConnectionsPerUser), ">= 1");
        Check(MaxConnections >= 1, nameof(MaxConnections), ">= 1");
        Check(StoragePath is null || StoragePath.Length > 0, nameof(StoragePath), "null or a file path");
        Check(SqliteSynchronous is "FULL" or "NORMAL", nameof(SqliteSynchronous), "FULL or NORMAL");
        Check(GroupCommitMaxBatch >= 1, nameof(GroupCommitMaxBatch), ">= 1");
        Check(SqliteIndexBatch >= 1, nameof(SqliteIndexBatch), ">= 1");
        Check(SqliteIndexRowsPerKey >= 0, nameof(SqliteIndexRowsPerKey), ">= 0");
        Check(ShutdownRetryAfter >= TimeSpan.Zero, nameof(ShutdownRetryAfter), ">= 0");
        Check(ShutdownFlushTimeout >= TimeSpan.Zero, nameof(ShutdownFlushTimeout), ">= 0");
        Check(AssistantThinkTime >= TimeSpan.Zero, nameof(AssistantThinkTime), ">= 0");
        Check(!string.IsNullOrEmpty(AssistantUserId) && AssistantUserId.Length <= ProtocolConstants.MaxIdChars, nameof(AssistantUserId), "1..64 chars");
        Check(CompressionThresholdBytes >= 0, nameof(CompressionThresholdBytes), ">= 0");
        Check(Bugs is not null && Bugs.DropBroadcastEveryN >= 0, "Bugs.DropBroadcastEveryN", ">= 0");
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid ChatServerOptions: " + string.Join("; ", errors));
        }

        return this;
    }
}
