namespace ChatResilience.Server.Core;

/// <summary>What to do with a send (or cancel) given the client's mark (PROTOCOL.md §6.1–6.2).</summary>
internal enum SettlementDecision
{
    /// <summary>At or below the mark: answer with the recorded outcome (or conflict).</summary>
    Replay,

    /// <summary>The expected seq: run the remaining checks and settle it.</summary>
    Settle,

    /// <summary>Past the expected seq, first time since the last in-order send: nack out_of_order once.</summary>
    OutOfOrder,

    /// <summary>Past the expected seq after out_of_order was said: dropped until the expected one arrives.</summary>
    Drop,
}

/// <summary>The pure settlement rules, testable as a table.</summary>
internal static class SettlementPolicy
{
    /// <summary>Decides by seq alone; dedup comes first, before any other check.</summary>
    /// <param name="mark">Highest seq accepted in order, pending commits included.</param>
    /// <param name="outOfOrderSaid">Whether out_of_order was already sent since the last in-order seq.</param>
    /// <param name="seq">The incoming seq.</param>
    public static SettlementDecision Decide(long mark, bool outOfOrderSaid, long seq) =>
        seq <= mark ? SettlementDecision.Replay
        : seq == mark + 1 ? SettlementDecision.Settle
        : outOfOrderSaid ? SettlementDecision.Drop
        : SettlementDecision.OutOfOrder;

    /// <summary>Whether a replayed id matches the recorded one (an empty recorded id is a cancel: matches any).</summary>
    public static bool SameSend(string recordedId, string id) => recordedId.Length == 0 || string.Equals(recordedId, id, StringComparison.Ordinal);
}
