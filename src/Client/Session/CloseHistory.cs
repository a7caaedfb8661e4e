namespace ChatResilience.Client.Session;

/// <summary>
/// What the close-code decision needs to know about the past: the close code of the previous connection
/// attempt (null if none, or it failed without one) and whether that attempt's connection got a
/// <c>welcome</c> (a valid token was then accepted, so a later 4401 is a fresh expiry, not a repeat).
/// </summary>
public readonly record struct CloseHistory(int? PreviousCode, bool PreviousWelcomed)
{
    /// <summary>No previous connection.</summary>
    public static CloseHistory None => default;
}
