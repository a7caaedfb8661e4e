namespace ChatResilience.Simulator.Load;

/// <summary>
/// Where one SLO first broke under the ramp — the window and the load it carried — or, when it never broke, the
/// highest load it held.
/// </summary>
public sealed record SloBreak
{
    /// <summary>The SLO's metric (see <see cref="Scenarios.SloMetrics"/>).</summary>
    public required string Metric { get; init; }

    public double Threshold { get; init; }

    /// <summary>True for a lower bound (<c>_min</c>).</summary>
    public bool LowerBound { get; init; }

    /// <summary>True when some window breached it.</summary>
    public bool Broke { get; init; }

    /// <summary>The first breaching window; null when it held.</summary>
    public int? Window { get; init; }

    /// <summary>Window start, s since the ramp start; null when it held.</summary>
    public double? AtS { get; init; }

    /// <summary>The breaching value; null when it held.</summary>
    public double? Value { get; init; }

    /// <summary>Connections and sent messages/s of the breaking window, or the highest held when it never broke.</summary>
    public int Connections { get; init; }
    public double MessagesPerSecond { get; init; }

    /// <summary>
    /// How far behind its own schedule the load generator ran in the breaking window, ms, when that was past the
    /// scenario's scheduling tolerance (null otherwise): the break may then be the load machine's rather than the server's.
    /// </summary>
    public long? HarnessLagMs { get; init; }

    /// <summary>Windows that had samples for this metric (0 ⇒ the SLO could not be judged).</summary>
    public int WindowsJudged { get; init; }

    /// <summary>One line for a planner: "broke at 1,200 connections, 240 msg/s (window 7, 35 s): 812 ms &gt; 500" or "held to 2,000 connections, 400 msg/s".</summary>
    public string Describe() => Broke
        ? $"broke at {Connections:N0} connections, {MessagesPerSecond:0.#} msg/s (window {Window}, {AtS:0.#} s): {Value:0.###} {(LowerBound ? "<" : ">")} {Threshold}"
          + (HarnessLagMs is { } lag ? $"; the load generator ran up to {lag / 1000.0:0.0} s behind in that window, so the break may be this machine's" : "")
        : WindowsJudged == 0 ? "not judged: no window had samples for it (inconclusive)" : $"held to {Connections:N0} connections, {MessagesPerSecond:0.#} msg/s";
}
