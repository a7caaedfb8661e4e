namespace ChatResilience.Protocol;

/// <summary>The <c>nack</c>/<c>error</c> codes of PROTOCOL.md §7.</summary>
public static class ErrorCodes
{
    public const string InvalidFrame = "invalid_frame";
    public const string UnknownType = "unknown_type";
    public const string TooLarge = "too_large";
    public const string Forbidden = "forbidden";
    public const string NoSuchRoom = "no_such_room";
    public const string Expired = "expired";
    public const string Conflict = "conflict";
    public const string Unauthorized = "unauthorized";
    public const string RateLimited = "rate_limited";
    public const string OutOfOrder = "out_of_order";
    public const string Internal = "internal";

    /// <summary>Retryable codes settle nothing; every other code is final.</summary>
    public static bool IsRetryable(string code) => code is RateLimited or OutOfOrder or Internal;
}
