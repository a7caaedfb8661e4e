using System.Diagnostics;
using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Sharding;

/// <summary>A local worker as a child process: <c>chatsim worker --coordinator URL [--coordinator-fingerprint SHA256]</c>; cancelling kills it.</summary>
internal static class WorkerProcess
{
    public static async Task<int> RunAsync(Uri coordinator, string? fingerprint, int n, CancellationToken cancellationToken)
    {
        string[] args = fingerprint is null
            ? ["worker", "--coordinator", coordinator.ToString()]
            : ["worker", "--coordinator", coordinator.ToString(), CoordinatorTls.FingerprintOption, fingerprint];
        using var process = Process.Start(ChatSimProcess.StartInfo(args))
                            ?? throw new HarnessException($"worker {n} did not start");

        // Drain both pipes so the child never blocks on a full one; the last lines explain a failure.
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }

        await Task.WhenAll(output, errors);
        if (process.ExitCode != 0)
        {
            throw new HarnessException($"worker {n} exited {process.ExitCode}: {Tail(await output)} {Tail(await errors)}".Trim());
        }

        return process.ExitCode;
    }

    private static string Tail(string text) => text.Length <= 400 ? text.Trim() : "…" + text[^400..].Trim();
}
