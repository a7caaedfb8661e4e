namespace ChatResilience.Protocol;

/// <summary>Fixed numbers of wire protocol v1 (PROTOCOL.md).</summary>
public static class ProtocolConstants
{
    /// <summary>The protocol version carried in <c>hello.v</c> and <c>welcome.v</c>.</summary>
    public const int Version = 1;

    /// <summary>The WebSocket subprotocol; a server that does not speak it refuses the upgrade.</summary>
    public const string SubProtocol = "chatresilience.v1";

    /// <summary>The WebSocket path.</summary>
    public const string Path = "/ws";

    /// <summary>Largest safe integer in JavaScript and Dart: 2^53 − 1 (PROTOCOL.md §2).</summary>
    public const long MaxSafeInteger = 9_007_199_254_740_991;

    /// <summary>Longest <c>id</c>, <c>clientId</c>, <c>sessionId</c>, <c>rid</c>.</summary>
    public const int MaxIdChars = 64;

    /// <summary>Longest room name.</summary>
    public const int MaxRoomChars = 128;

    /// <summary>Most <c>meta</c> entries, and the longest value.</summary>
    public const int MaxMetaEntries = 16;

    /// <summary>Longest <c>meta</c> value in chars.</summary>
    public const int MaxMetaValueChars = 256;

    /// <summary>Largest first frame (<c>hello</c>) in bytes.</summary>
    public const int MaxHelloBytes = 64 * 1024;

    /// <summary>Longest bearer token accepted in a frame.</summary>
    public const int MaxTokenChars = 8192;

    /// <summary>Most rooms resumed by one <c>hello</c>.</summary>
    public const int MaxRoomsPerHello = 1024;
}
