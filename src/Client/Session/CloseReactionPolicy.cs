using ChatResilience.Protocol;

namespace ChatResilience.Client.Session;

/// <summary>
/// The close-code table of PROTOCOL.md §7 as a pure function. HTTP rejections at the upgrade arrive here
/// already mapped (401 → 4401, 503 → 1013 with Retry-After). "In a row" means the previous attempt ended
/// with the same kind of code; 1007/1009 count as a repeat even across a welcome (a resent bad frame would
/// loop forever), 4401 only when the previous connection never got a welcome. A 4408 before this connection's
/// welcome backs off instead of reconnecting at once: the server closed a socket whose hello it did not read in
/// time, i.e. it is too slow, and an immediate retry from every such client only adds to its load (seen at 10,000
/// simulated clients on two cores).
/// </summary>
public static class CloseReactionPolicy
{
    /// <summary>
    /// Decides the reaction to a connection that ended with <paramref name="code"/>; <paramref name="welcomed"/>
    /// says whether that connection got its <c>welcome</c> (default true).
    /// </summary>
    public static CloseReaction Decide(int code, TimeSpan? hint, CloseHistory history, bool welcomed = true) => code switch
    {
        CloseCodes.Normal => new(CloseAction.Stop, null, "closed normally"),
        CloseCodes.GoingAway or CloseCodes.Overloaded or CloseCodes.TooManyConnections =>
            hint is null
                ? new(CloseAction.Backoff, null, $"close {code} without a hint")
                : new(CloseAction.AfterHint, hint, $"close {code} with a retry hint"),
        CloseCodes.Undecodable or CloseCodes.TooLarge =>
            history.PreviousCode is CloseCodes.Undecodable or CloseCodes.TooLarge
                ? new(CloseAction.Terminal, null, $"close {code} repeated: client bug")
                : new(CloseAction.Backoff, null, $"close {code}: client bug, reconnecting once"),
        CloseCodes.ServerError => new(CloseAction.Backoff, null, "server error"),
        CloseCodes.HelloExpected => new(CloseAction.Terminal, null, "first frame was not hello: client bug"),
        CloseCodes.Unauthorized =>
            history is { PreviousCode: CloseCodes.Unauthorized, PreviousWelcomed: false }
                ? new(CloseAction.Terminal, null, "unauthorized twice in a row")
                : new(CloseAction.FreshToken, null, "unauthorized: fetching a fresh token"),
        CloseCodes.Forbidden => new(CloseAction.Terminal, null, "forbidden: token for another user"),
        CloseCodes.HeartbeatTimeout => welcomed
            ? new(CloseAction.Immediately, null, "heartbeat timeout")
            : new(CloseAction.Backoff, null, "heartbeat timeout before the welcome: the server is slow"),
        CloseCodes.SlowConsumer => new(CloseAction.Immediately, null, "slow consumer: resuming from cursor"),
        CloseCodes.Superseded => new(CloseAction.Terminal, null, "superseded by a newer session of this client"),
        _ => new(CloseAction.Backoff, null, $"connection lost ({code})"),
    };
}
