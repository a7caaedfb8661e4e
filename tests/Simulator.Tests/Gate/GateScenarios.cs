namespace ChatResilience.Simulator.Tests.Gate;

/// <summary>Short scenarios (a few seconds, a handful of clients) that expose each test-only bug switch.</summary>
internal static class GateScenarios
{
    /// <summary>
    /// Steady chat, no faults: a dropped broadcast is a lost message for a member. (A reader heals a hole when the
    /// room's next message shows it, so the loss that stays is the last message of a room: many rooms, many chances.)
    /// </summary>
    public const string Steady = """
        { "schemaVersion": 1, "name": "gate-steady", "duration": "6s", "clients": { "count": 8 },
          "client": { "reconnect": { "delayBase": "100ms", "delayMax": "1s" } },
          "workload": { "rooms": [ { "name": "r", "count": 4, "size": 4 } ], "sendRatePerClient": 2 },
          "bounds": { "quiesce": "8s", "convergence": "5s" } }
        """;

    /// <summary>Resets and a server kill under latency: sends are replayed after reconnects (and the clean run of the gate tests).</summary>
    public const string Replays = """
        { "schemaVersion": 1, "name": "gate-replays", "duration": "8s", "clients": { "count": 6 },
          "client": { "reconnect": { "delayBase": "50ms", "delayMax": "500ms" } },
          "workload": { "rooms": [ { "name": "r", "count": 1, "size": 6 } ], "sendRatePerClient": 4 },
          "faults": [
            { "type": "latency", "start": "1s", "duration": "6s", "attributes": { "latency": 150 } },
            { "type": "reset_peer", "start": "2s", "duration": "200ms", "attributes": { "timeout": 0 } },
            { "type": "reset_peer", "start": "4s", "duration": "200ms", "attributes": { "timeout": 0 } },
            { "type": "server_restart", "start": "6s", "graceful": false } ],
          "bounds": { "quiesce": "10s", "convergence": "8s" } }
        """;

    /// <summary>
    /// A busy room with connection resets under 500 ms of latency: a client that reorders its frames breaks per-sender
    /// order. The reorder only shows when two sends are in flight at once and the first was already stored — then the
    /// swapped resend lands the later seq first and its ack (dup) surfaces before the earlier one's. The latency keeps
    /// about two stored-but-unacked sends per client at each reset (4 msg/s × 0.5 s); without it acks come back within
    /// a millisecond on loopback and the race was left to machine load (the test once named another checker).
    /// </summary>
    public const string Resets = """
        { "schemaVersion": 1, "name": "gate-resets", "duration": "8s", "clients": { "count": 8 },
          "client": { "reconnect": { "delayBase": "50ms", "delayMax": "500ms" } },
          "workload": { "rooms": [ { "name": "r", "count": 1, "size": 8 } ], "sendRatePerClient": 4 },
          "faults": [
            { "type": "latency", "start": "1s", "duration": "6500ms", "attributes": { "latency": 500 } },
            { "type": "reset_peer", "start": "2s", "duration": "300ms", "attributes": { "timeout": 0 } },
            { "type": "reset_peer", "start": "4s", "duration": "300ms", "attributes": { "timeout": 0 } },
            { "type": "reset_peer", "start": "6s", "duration": "300ms", "attributes": { "timeout": 0 } } ],
          "bounds": { "quiesce": "10s", "convergence": "8s" } }
        """;

    /// <summary>An assistant room: every message must be answered exactly once.</summary>
    public const string Assistant = """
        { "schemaVersion": 1, "name": "gate-assistant", "duration": "5s", "clients": { "count": 4 },
          "workload": { "rooms": [ { "name": "help", "count": 1, "size": 4, "assistant": true } ], "sendRatePerClient": 1 },
          "bounds": { "quiesce": "8s" } }
        """;

    /// <summary>The server is unreachable for 8 s: every client retries at the cap, where delays must stay jittered.</summary>
    public const string Outage = """
        { "schemaVersion": 1, "name": "gate-outage", "duration": "12s", "clients": { "count": 10 },
          "client": { "reconnect": { "delayBase": "50ms", "delayMax": "400ms", "jitter": 0.5 } },
          "workload": { "rooms": [ { "name": "r", "count": 1, "size": 10 } ], "sendRatePerClient": 0.5 },
          "faults": [ { "type": "down", "start": "2s", "duration": "8s" } ],
          "bounds": { "quiesce": "10s" },
          "minSamples": { "BackoffWithinPolicy.AtCap": 20 } }
        """;

    /// <summary>
    /// Two graceful server restarts: each 1001 close carries retryAfterMs, which clients must honour. One restart let
    /// the IgnoreRetryAfter bug through once in CI (every client reconnected once, all within the policy — as if no
    /// hint had reached them), in none of ~45 runs since; two restarts are two separate chances to catch it.
    /// </summary>
    public const string Restart = """
        { "schemaVersion": 1, "name": "gate-restart", "duration": "6s", "clients": { "count": 6 },
          "client": { "reconnect": { "delayBase": "50ms", "delayMax": "500ms" } },
          "workload": { "rooms": [ { "name": "r", "count": 1, "size": 6 } ], "sendRatePerClient": 1 },
          "faults": [ { "type": "server_restart", "start": "1500ms", "graceful": true }, { "type": "server_restart", "start": "4s", "graceful": true } ],
          "bounds": { "quiesce": "10s" } }
        """;

    /// <summary>
    /// Six devices go away twice (for 1.5–2.75 s, then 2–3.25 s), each returning at its own times, while ten others
    /// talk fast (60 msg/s each): on return each resumes a backlog of ~900–2,000 messages, and live messages published
    /// while that replay runs must be held for the seam. A server that forgets them leaves a hole the client only heals
    /// from history. The window is a few milliseconds (the queue takes the whole backlog at once), and live messages
    /// come in bursts, one per group commit, so a single return can miss; with two devices returning together the bug
    /// went unseen in about one run in four once the send path got faster, and with six returns once in a few dozen
    /// CI runs. Twelve staggered returns are twelve separate chances.
    /// </summary>
    public const string Seam = """
        { "schemaVersion": 1, "name": "gate-seam", "duration": "8s",
          "clients": { "count": 16, "groups": [ { "name": "talk", "weight": 10 },
            { "name": "away1", "weight": 1 }, { "name": "away2", "weight": 1 }, { "name": "away3", "weight": 1 },
            { "name": "away4", "weight": 1 }, { "name": "away5", "weight": 1 }, { "name": "away6", "weight": 1 } ] },
          "client": { "reconnect": { "delayBase": "50ms", "delayMax": "500ms" } },
          "workload": { "rooms": [ { "name": "r", "count": 1, "size": 16 } ], "sendRatePerClient": 60,
            "offline": [ { "group": "away1", "fraction": 1, "start": "500ms", "duration": "1500ms" },
                         { "group": "away2", "fraction": 1, "start": "500ms", "duration": "1750ms" },
                         { "group": "away3", "fraction": 1, "start": "500ms", "duration": "2s" },
                         { "group": "away4", "fraction": 1, "start": "500ms", "duration": "2250ms" },
                         { "group": "away5", "fraction": 1, "start": "500ms", "duration": "2500ms" },
                         { "group": "away6", "fraction": 1, "start": "500ms", "duration": "2750ms" },
                         { "group": "away1", "fraction": 1, "start": "3500ms", "duration": "2s" },
                         { "group": "away2", "fraction": 1, "start": "3500ms", "duration": "2250ms" },
                         { "group": "away3", "fraction": 1, "start": "3500ms", "duration": "2500ms" },
                         { "group": "away4", "fraction": 1, "start": "3500ms", "duration": "2750ms" },
                         { "group": "away5", "fraction": 1, "start": "3500ms", "duration": "3s" },
                         { "group": "away6", "fraction": 1, "start": "3500ms", "duration": "3250ms" } ] },
          "bounds": { "quiesce": "15s", "convergence": "10s" } }
        """;
}
