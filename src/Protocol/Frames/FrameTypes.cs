namespace ChatResilience.Protocol.Frames;

/// <summary>The wire names of every frame type (the <c>t</c> field).</summary>
public static class FrameTypes
{
    public const string Hello = "hello";
    public const string Join = "join";
    public const string Leave = "leave";
    public const string Send = "send";
    public const string Cancel = "cancel";
    public const string History = "history";
    public const string Read = "read";
    public const string Auth = "auth";
    public const string Ping = "ping";
    public const string Pong = "pong";
    public const string Welcome = "welcome";
    public const string Joined = "joined";
    public const string Left = "left";
    public const string Msg = "msg";
    public const string Ack = "ack";
    public const string Nack = "nack";
    public const string Page = "page";
    public const string Authed = "authed";
    public const string Error = "error";

    /// <summary>Every type the codec knows, client → server first.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Hello, Join, Leave, Send, Cancel, History, Read, Auth, Ping, Pong,
        Welcome, Joined, Left, Msg, Ack, Nack, Page, Authed, Error,
    ];

    /// <summary>Control frames bypass the bounded <c>msg</c> queue (PROTOCOL.md §8).</summary>
    public static bool IsControl(string type) => type is not (Msg or Joined or Page);
}
