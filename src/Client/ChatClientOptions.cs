using ChatResilience.Client.Reconnect;
using ChatResilience.Protocol.Compression;
using ChatResilience.Protocol;

namespace ChatResilience.Client;

/// <summary>Everything a <see cref="ChatClient"/> is configured with; validated once by the constructor.</summary>
public sealed record ChatClientOptions
{
    /// <summary>Default <see cref="OutboxCapacity"/>: 10,000 unsettled messages.</summary>
    public const int DefaultOutboxCapacity = 10_000;

    /// <summary>Default <see cref="AckTimeoutMultiplier"/>: 4 × heartbeatMs.</summary>
    public const int DefaultAckTimeoutMultiplier = 4;

    /// <summary>Default <see cref="MessageBufferCapacity"/>: 1024 messages.</summary>
    public const int DefaultMessageBufferCapacity = 1024;

    /// <summary>Default <see cref="HistoryPageLimit"/>: 200 messages.</summary>
    public const int DefaultHistoryPageLimit = 200;

    /// <summary>Default <see cref="OutboxTimeToLive"/>: 24 h.</summary>
    public static readonly TimeSpan DefaultOutboxTimeToLive = TimeSpan.FromHours(24);

    /// <summary>Default <see cref="HandshakeTimeout"/>: 10 s.</summary>
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default <see cref="TokenRefreshLead"/>: 60 s.</summary>
    public static readonly TimeSpan DefaultTokenRefreshLead = TimeSpan.FromSeconds(60);

    /// <summary>WebSocket endpoint, e.g. <c>ws://host:port/ws</c>. Required.</summary>
    public required Uri ServerUri { get; init; }

    /// <summary>Stable per installation; survives restarts (it keys the server's dedup). Required.</summary>
    public required string ClientId { get; init; }

    /// <summary>The user id, when known in advance (informational; the server's <c>welcome.userId</c> wins). Default null.</summary>
    public string? UserId { get; init; }

    /// <summary>The reconnect policy. Default <see cref="ReconnectOptions.Default"/>.</summary>
    public ReconnectOptions Reconnect { get; init; } = ReconnectOptions.Default;

    /// <summary>Most unsettled messages; a send beyond it throws <c>OutboxFullException</c>. Default 10,000.</summary>
    public int OutboxCapacity { get; init; } = DefaultOutboxCapacity;

    /// <summary>An unsettled message older than this (by composition time) is given up with <c>cancel</c>. Default 24 h.</summary>
    public TimeSpan OutboxTimeToLive { get; init; } = DefaultOutboxTimeToLive;

    /// <summary>A send not acked within this many heartbeat intervals means a dead connection. Default 4.</summary>
    public int AckTimeoutMultiplier { get; init; } = DefaultAckTimeoutMultiplier;

    /// <summary>How long to wait for <c>welcome</c> after <c>hello</c>. Default 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = DefaultHandshakeTimeout;

    /// <summary>The token is refreshed in band (<c>auth</c>) this long before it expires. Default 60 s.</summary>
    public TimeSpan TokenRefreshLead { get; init; } = DefaultTokenRefreshLead;

    /// <summary>Also send the token in <c>hello.token</c> (for transports without headers). Default false.</summary>
    public bool SendTokenInHello { get; init; }

    /// <summary>Capacity of the <see cref="ChatClient.Messages"/> stream; a full buffer holds back reading. Default 1024.</summary>
    public int MessageBufferCapacity { get; init; } = DefaultMessageBufferCapacity;

    /// <summary>Page size of gap-filling <c>history</c> requests (capped by <c>welcome.historyMaxLimit</c>). Default 200.</summary>
    public int HistoryPageLimit { get; init; } = DefaultHistoryPageLimit;

    /// <summary>Compression of outgoing frames. Default <see cref="CompressionPolicy.Default"/>.</summary>
    public CompressionPolicy Compression { get; init; } = CompressionPolicy.Default;

    /// <summary>TEST-ONLY deliberate bugs. Default <see cref="ClientBugSwitches.None"/>.</summary>
    public ClientBugSwitches Bugs { get; init; } = ClientBugSwitches.None;

    /// <summary>Throws <see cref="ArgumentException"/> listing every bad field.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (ServerUri is null || (ServerUri.IsAbsoluteUri && ServerUri.Scheme is not ("ws" or "wss" or "memory")))
        {
            errors.Add("ServerUri must be an absolute ws:// or wss:// URI");
        }

        if (!ProtocolFields.IsId(ClientId))
        {
            errors.Add("ClientId must be 1-64 chars of [A-Za-z0-9._:-]");
        }

        if (OutboxCapacity is < 1 or > 10_000_000)
        {
            errors.Add($"OutboxCapacity must be in [1, 10000000], was {OutboxCapacity}");
        }

        if (OutboxTimeToLive <= TimeSpan.Zero)
        {
            errors.Add($"OutboxTimeToLive must be > 0, was {OutboxTimeToLive}");
        }

        if (AckTimeoutMultiplier is < 1 or > 100)
        {
            errors.Add($"AckTimeoutMultiplier must be in [1, 100], was {AckTimeoutMultiplier}");
        }

        if (HandshakeTimeout <= TimeSpan.Zero)
        {
            errors.Add($"HandshakeTimeout must be > 0, was {HandshakeTimeout}");
        }

        if (TokenRefreshLead < TimeSpan.Zero)
        {
            errors.Add($"TokenRefreshLead must be ≥ 0, was {TokenRefreshLead}");
        }

        if (MessageBufferCapacity is < 1 or > 1_000_000)
        {
            errors.Add($"MessageBufferCapacity must be in [1, 1000000], was {MessageBufferCapacity}");
        }

        if (HistoryPageLimit is < 1 or > 100_000)
        {
            errors.Add($"HistoryPageLimit must be in [1, 100000], was {HistoryPageLimit}");
        }

        if (Reconnect is null)
        {
            errors.Add("Reconnect must be set");
        }
        else
        {
            try
            {
                Reconnect.Validate();
            }
            catch (ArgumentException e)
            {
                errors.Add(e.Message);
            }
        }

        if (Compression is null || Bugs is null)
        {
            errors.Add("Compression and Bugs must be set");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid ChatClientOptions: " + string.Join("; ", errors));
        }
    }
}
