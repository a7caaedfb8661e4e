namespace ChatResilience.Protocol;

/// <summary>WebSocket close codes of PROTOCOL.md §7.</summary>
public static class CloseCodes
{
    public const int Normal = 1000;
    public const int GoingAway = 1001;
    public const int Undecodable = 1007;
    public const int TooLarge = 1009;
    public const int ServerError = 1011;
    public const int Overloaded = 1013;
    public const int HelloExpected = 4400;
    public const int Unauthorized = 4401;
    public const int Forbidden = 4403;
    public const int HeartbeatTimeout = 4408;
    public const int SlowConsumer = 4409;
    public const int Superseded = 4410;
    public const int TooManyConnections = 4429;

    /// <summary>Codes whose reason carries <c>{"retryAfterMs": n}</c>.</summary>
    public static bool CarriesRetryHint(int code) => code is GoingAway or Overloaded or TooManyConnections;
}

/// <summary>Codes of <c>left.code</c>.</summary>
public static class LeftCodes
{
    public const string Left = "left";
    public const string Removed = "removed";
    public const string RoomDeleted = "room_deleted";
}
