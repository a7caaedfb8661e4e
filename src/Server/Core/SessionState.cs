namespace ChatResilience.Server.Core;

/// <summary>The life of one connection's session (STYLE.md habit 3).</summary>
internal enum SessionState
{
    /// <summary>Connected; waiting for <c>hello</c>.</summary>
    AwaitingHello,

    /// <summary>Welcomed; frames are processed.</summary>
    Open,

    /// <summary>Shutting down gracefully: frames are ignored while acks flush.</summary>
    Draining,

    /// <summary>A close was sent or received.</summary>
    Closed,
}
