using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Invariants.Internal;

/// <summary>
/// Rebuilds, per client, the reconnect delays the harness observed and judges each against the policy. The
/// attempt number is not on the wire, so it is inferred as the client computes it: 0 after a connection that lasted
/// <see cref="ReconnectEnvelope.HealthyAfter"/>, else one more than the attempt that led to the failure. Where
/// a connection's length is within the tolerance of HealthyAfter both readings are kept, and a delay passes if
/// either does; readings a delay contradicts are dropped. Closes the protocol answers with an immediate
/// reconnect (4401, 4408, 4409) also allow an immediate attempt, but, as in the client, they do not reset the
/// count: only a healthy connection does, so a client cut again and again still backs off. The first attempt after
/// the network comes back is not judged either, and keeps the count too. Attempts after the client closed on its
/// own, crashed or restarted are fresh starts with the count at 0. A delay may end later than its upper bound by
/// the tolerance plus the harness's measured lateness in its window (<see cref="CheckContext.LateAllowanceMs"/>),
/// never earlier than its lower bound by more than the tolerance.
/// </summary>
internal static class ReconnectTimeline
{
    /// <summary>Closes after which PROTOCOL.md §7 says to reconnect at once (4401 fresh token, 4408, 4409).</summary>
    private static readonly HashSet<int> ImmediateCloseCodes = [4401, 4408, 4409];

    public static List<ReconnectDelaySample> Observe(RecordedHistory history, CheckContext context)
    {
        var policy = context.Reconnect;
        var tol = (long)context.SchedulingTolerance.TotalMilliseconds;
        var healthyMs = (long)policy.HealthyAfter.TotalMilliseconds;
        var states = new Dictionary<string, ClientState>(StringComparer.Ordinal);
        var samples = new List<ReconnectDelaySample>();

        foreach (var e in history.NonDeliveries)
        {
            switch (e)
            {
                case ConnectAttemptEvent a:
                    OnAttempt(StateOf(states, a.ClientId), a, context, samples);
                    break;
                case ConnectionClosedEvent c:
                    var s = StateOf(states, c.ClientId);
                    if (!s.Connected)
                    {
                        break;
                    }

                    s.Connected = false;
                    if (!c.ByPeer)
                    {
                        s.Reset();
                        break;
                    }

                    var lasted = c.AtMs - s.ConnectedAtMs;
                    var next = new SortedSet<int>();
                    if (lasted >= healthyMs - tol)
                    {
                        next.Add(0);
                    }

                    if (lasted < healthyMs + tol)
                    {
                        next.UnionWith(s.Candidates.Select(n => n + 1));
                    }

                    s.FailureAtMs = c.AtMs;
                    s.Hint = c.HintMs;
                    s.Candidates = next;
                    s.ImmediateAllowed = ImmediateCloseCodes.Contains(c.Code);
                    break;
                case HarnessEvent { ClientId: { } client, Kind: HarnessEventKinds.ClientCrash or HarnessEventKinds.ClientRestart }:
                    StateOf(states, client).Reset();
                    break;
                case HarnessEvent { ClientId: { } client, Kind: HarnessEventKinds.OfflineEnd }:
                    StateOf(states, client).NetworkReturned();
                    break;
            }
        }

        return samples;
    }

    private static void OnAttempt(ClientState s, ConnectAttemptEvent a, CheckContext context, List<ReconnectDelaySample> samples)
    {
        var policy = context.Reconnect;
        var connected = string.Equals(a.Outcome, "connected", StringComparison.Ordinal);
        SortedSet<int> matched;
        if (s.FailureAtMs is { } failureAt)
        {
            var start = a.StartedAtMs ?? a.AtMs;
            var delay = start - failureAt;
            var hint = a.HintMs ?? s.Hint;
            var hintSpan = hint is { } h ? TimeSpan.FromMilliseconds(h) : (TimeSpan?)null;
            matched = [];

            // A starved harness makes waits end late, never early: only the upper bounds get its measured lateness.
            var early = (long)context.SchedulingTolerance.TotalMilliseconds;
            var late = context.LateAllowanceMs(failureAt, start);
            var immediate = s.ImmediateAllowed && hint is null && delay <= late;
            var withinWithoutLag = immediate && delay <= early;
            foreach (var n in s.Candidates)
            {
                var (min, max) = policy.Bounds(n, hintSpan);
                var upper = (long)Math.Ceiling(max.TotalMilliseconds);
                var notEarly = delay >= (long)min.TotalMilliseconds - early;
                if (immediate || (notEarly && delay <= upper + late))
                {
                    matched.Add(n);
                    withinWithoutLag |= notEarly && delay <= upper + early;
                }
            }

            var judged = matched.Count > 0 ? matched.Min : s.Candidates.Min;
            var (jMin, jMax) = immediate ? (TimeSpan.Zero, TimeSpan.Zero) : policy.Bounds(judged, hintSpan);
            samples.Add(new ReconnectDelaySample
            {
                ClientId = a.ClientId,
                AtMs = start,
                Attempt = judged,
                DelayMs = delay,
                MinMs = (long)jMin.TotalMilliseconds,
                MaxMs = (long)Math.Ceiling(jMax.TotalMilliseconds),
                HintMs = hint,
                Within = matched.Count > 0,
                HarnessLagMs = late - early,
                HarnessLagAtEndMs = context.HarnessLag.WorstAround(start),
                WithinOnlyForHarnessLag = matched.Count > 0 && !withinWithoutLag,
                Connected = connected,
                OutcomeAtMs = a.AtMs,
                AtCap = !immediate && hint is null && (matched.Count > 0 ? matched : s.Candidates).All(policy.IsAtCap),
            });

            if (matched.Count == 0)
            {
                matched = s.Candidates;
            }
        }
        else
        {
            // A fresh start (first attempt, or the network came back): not judged, and the count stays.
            matched = s.Candidates;
        }

        s.Hint = null;
        s.ImmediateAllowed = false;
        s.Candidates = matched;
        if (connected)
        {
            s.Connected = true;
            s.ConnectedAtMs = a.AtMs;
            s.FailureAtMs = null;
        }
        else
        {
            s.FailureAtMs = a.AtMs;
            s.Candidates = [.. matched.Select(n => n + 1)];
        }
    }

    private static ClientState StateOf(Dictionary<string, ClientState> states, string clientId)
    {
        if (!states.TryGetValue(clientId, out var s))
        {
            states[clientId] = s = new ClientState();
        }

        return s;
    }

    private sealed class ClientState
    {
        public bool Connected { get; set; }

        public long ConnectedAtMs { get; set; }

        /// <summary>The failure the next attempt's delay is measured from; null = the next attempt is a fresh start.</summary>
        public long? FailureAtMs { get; set; }

        public long? Hint { get; set; }

        /// <summary>The last close asks for an immediate reconnect (4401, 4408, 4409); the count goes on regardless.</summary>
        public bool ImmediateAllowed { get; set; }

        /// <summary>The attempt numbers the next attempt may have (see the class comment).</summary>
        public SortedSet<int> Candidates { get; set; } = [0];

        /// <summary>
        /// The network came back: the client tries at once, cutting its wait short, but (like an immediate
        /// reconnect) it keeps its failure count, so the next attempt is not judged and the count stays.
        /// </summary>
        public void NetworkReturned()
        {
            FailureAtMs = null;
            Hint = null;
            ImmediateAllowed = false;
        }

        public void Reset()
        {
            Connected = false;
            FailureAtMs = null;
            Hint = null;
            ImmediateAllowed = false;
            Candidates = [0];
        }
    }
}
