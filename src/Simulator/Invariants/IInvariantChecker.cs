using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Invariants;

/// <summary>
/// One guarantee of PROTOCOL.md §6, checked over a recorded history. A checker is pure: the same history
/// and context give the same result, whatever process recorded the history.
/// </summary>
public interface IInvariantChecker
{
    /// <summary>The guarantee's name, e.g. <c>NoAckedMessageLost</c>; one JUnit test case per checker.</summary>
    string Name { get; }

    /// <summary>Checks the history; never throws for a malformed history (that is a violation too).</summary>
    InvariantResult Check(RecordedHistory history, CheckContext context);
}
