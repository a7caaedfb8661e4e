namespace ChatResilience.Protocol.Codec;

/// <summary>The JSON a close reason carries for 1001, 1013 and 4429: <c>{"retryAfterMs": n}</c>.</summary>
public sealed record RetryHint
{
    public long RetryAfterMs { get; init; }
}
