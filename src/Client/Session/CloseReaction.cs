namespace ChatResilience.Client.Session;

/// <summary>The decision for one ended connection: what to do, the server's hint if any, and why.</summary>
public sealed record CloseReaction(CloseAction Action, TimeSpan? Hint, string Reason)
{
    /// <summary>True for every action that reconnects.</summary>
    public bool Reconnects => Action is CloseAction.Backoff or CloseAction.AfterHint or CloseAction.Immediately or CloseAction.FreshToken;
}
