using System.Diagnostics;
using System.Runtime;

namespace ChatResilience.Bench.ServerLoad;

/// <summary>
/// Runs a server measurement under the garbage collector the production server runs with. src/Server is a Web SDK
/// app with server GC (and DATAS, .NET 10's default for it; stated in its csproj), but this bench is a console app
/// with workstation GC, and it hosts the chat server and the raw Kestrel apps in its own process: until the
/// eleventh round every server-throughput point measured the server on a collector it never runs on in production.
/// Both sides of each ratio share the process, so both get the same collector either way.
/// </summary>
/// <remarks>
/// The collector is chosen when the runtime starts, so the measurement starts the bench again with
/// <c>DOTNET_gcServer=1</c> and passes its arguments through (its output goes straight to this console).
/// <c>--gc workstation</c> measures in this process, on the bench's own collector, for comparison with earlier
/// rounds.
/// </remarks>
internal static class ProductionGc
{
    private const string ChildMarker = "CHATRESILIENCE_BENCH_SERVER_GC_CHILD";

    /// <summary>What this process collects with, for the results file.</summary>
    public static string Describe() =>
        GCSettings.IsServerGC ? $"server GC ({Environment.ProcessorCount} cores; the production server's collector)" : "workstation GC (not the production server's collector)";

    /// <summary>
    /// Null when this process should measure (it runs server GC, or <c>--gc workstation</c> was given); otherwise the
    /// exit code of the same measurement run by a child process with server GC.
    /// </summary>
    public static async Task<int?> RelaunchUnlessServerGcAsync(string measurement, string[] args)
    {
        var gc = LoadArgs.String(args, "--gc") ?? "server";
        if (gc is not ("server" or "workstation"))
        {
            await Console.Error.WriteLineAsync($"--gc must be 'server' or 'workstation', not '{gc}'");
            return 64;
        }

        if (gc == "workstation" || GCSettings.IsServerGC)
        {
            return null;
        }

        if (Environment.GetEnvironmentVariable(ChildMarker) is not null)
        {
            // Started with DOTNET_gcServer=1 and still on workstation GC: something overrides it (a runtimeconfig
            // setting, say). Measuring anyway would record the wrong collector under the right heading.
            await Console.Error.WriteLineAsync("DOTNET_gcServer=1 did not switch this process to server GC; run with --gc workstation to measure on workstation GC");
            return 70;
        }

        var start = BenchProcess.StartInfo(["load", measurement, .. args]);
        start.Environment["DOTNET_gcServer"] = "1";
        start.Environment[ChildMarker] = "1";
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the server-GC process");
        await child.WaitForExitAsync();
        return child.ExitCode;
    }
}
