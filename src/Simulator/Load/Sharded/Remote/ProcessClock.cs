using System.Globalization;

namespace ChatResilience.Simulator.Load.Sharded.Remote;

/// <summary>
/// How a load process on another machine measured its clock against the coordinator's (summary.json
/// <c>processClocks</c>): its times are moved by <paramref name="OffsetMs"/>, true within ± <paramref name="UncertaintyMs"/>.
/// Cross-process delivery latency (sent in one process, received in another) is off by at most the two processes'
/// uncertainties together, so this is what bounds the merged latencies' error.
/// </summary>
/// <param name="Process">The share, <c>load process I/N</c>, as in <c>harnessLoad</c>.</param>
/// <param name="Host">The machine it ran on.</param>
/// <param name="OffsetMs">Coordinator ms ≈ its ms + this.</param>
/// <param name="UncertaintyMs">Half the round trip of the probe used.</param>
public sealed record ProcessClock(string Process, string Host, double OffsetMs, double UncertaintyMs)
{
    /// <summary>"load process 0/2 on host: clock offset +0.1 ms ± 0.2" for the console and the report.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Process} on {Host}: clock offset {OffsetMs:+0.0;-0.0;0.0} ms ± {UncertaintyMs:0.0}");
}
