namespace ChatResilience.Client;

/// <summary>The states of a <see cref="ChatClient"/>'s connection.</summary>
public enum ConnectionState
{
    /// <summary>Not connected and not trying (initially, and after a normal close 1000).</summary>
    Disconnected,

    /// <summary>The first connection attempt is running.</summary>
    Connecting,

    /// <summary><c>welcome</c> received; frames flow.</summary>
    Connected,

    /// <summary>The connection was lost or an attempt failed; waiting for or running the next attempt.</summary>
    Reconnecting,

    /// <summary>Terminal: disposed, or a terminal close code. Never left.</summary>
    Closed,
}
