using System.Runtime.InteropServices;

namespace ChatResilience.Simulator.Reports;

/// <summary>The machine a run ran on, so numbers from different machines are not compared blindly.</summary>
public sealed record MachineInfo
{
    public int Cores { get; init; }
    public required string Os { get; init; }
    public required string DotNet { get; init; }

    public static MachineInfo Current() => new()
    {
        Cores = Environment.ProcessorCount,
        Os = RuntimeInformation.OSDescription,
        DotNet = RuntimeInformation.FrameworkDescription,
    };
}
