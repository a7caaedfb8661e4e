namespace ChatResilience.Client.Session;

/// <summary>What the client does after a connection ended (PROTOCOL.md §7).</summary>
public enum CloseAction
{
    /// <summary>Stop and stay Disconnected until the application connects again (1000).</summary>
    Stop,

    /// <summary>Give up for good: state Closed.</summary>
    Terminal,

    /// <summary>Reconnect after the exponential backoff delay.</summary>
    Backoff,

    /// <summary>Reconnect after the server's hint, with jitter (and never sooner than the backoff).</summary>
    AfterHint,

    /// <summary>Reconnect at once, without delay.</summary>
    Immediately,

    /// <summary>Get a fresh token from the callback, then reconnect at once.</summary>
    FreshToken,
}
