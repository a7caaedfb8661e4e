using System.Runtime.InteropServices;

namespace ChatResilience.Simulator.Reports;

/// <summary>The machine a run ran on, so numbers from different machines are not compared blindly.</summary>
public sealed record MachineInfo
{
    /// <summary>The host name.</summary>
    public string Name { get; init; } = "";
    public int Cores { get; init; }
    public required string Os { get; init; }
    public required string DotNet { get; init; }

    public static MachineInfo Current() => new()
    {
        Name = Environment.MachineName,
        Cores = Environment.ProcessorCount,
        Os = RuntimeInformation.OSDescription,
        DotNet = RuntimeInformation.FrameworkDescription,
    };
}
