using System.Diagnostics;
using ChatResilience.Simulator.Sharding;

namespace ChatResilience.Simulator.Load.Sharded;

/// <summary>
/// One load process of a sharded run as its coordinator sees it: its standard output (progress, then the ready line),
/// its standard input (the start line), its exit and how to kill it. <see cref="Start"/> runs this chatsim executable;
/// tests run <see cref="LoadCommand"/> in process behind the same handle.
/// </summary>
public sealed class LoadProcessHandle : IAsyncDisposable
{
    public required TextReader Output { get; init; }
    public required TextWriter Input { get; init; }

    /// <summary>Completes with the exit code.</summary>
    public required Task<int> Exited { get; init; }

    /// <summary>What it wrote to standard error, once it has exited (empty in process).</summary>
    public Task<string> Errors { get; init; } = Task.FromResult("");

    public required Action Kill { get; init; }

    /// <summary>Asks it to stop as Ctrl-C would: it ends its run early and writes what it has.</summary>
    public required Action Stop { get; init; }

    public Func<ValueTask>? Release { get; init; }

    /// <summary>Starts <c>chatsim</c> with <paramref name="args"/> as a child process.</summary>
    public static LoadProcessHandle Start(IReadOnlyList<string> args)
    {
        var process = Process.Start(ChatSimProcess.StartInfo(args)) ?? throw new InvalidOperationException("chatsim did not start");
        var errors = process.StandardError.ReadToEndAsync();
        return new LoadProcessHandle
        {
            Output = process.StandardOutput,
            Input = process.StandardInput,
            Exited = ExitCodeAsync(process),
            Errors = errors,
            Kill = () => KillTree(process),
            Stop = () =>
            {
                // chatsim stops a run on SIGTERM as on Ctrl-C (its Program); where there is no kill(1), it is killed.
                try
                {
                    using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                    term.WaitForExit();
                }
                catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
                {
                    KillTree(process);
                }
            },
            Release = () =>
            {
                process.Dispose();
                return ValueTask.CompletedTask;
            },
        };
    }

    public ValueTask DisposeAsync() => Release?.Invoke() ?? ValueTask.CompletedTask;

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static async Task<int> ExitCodeAsync(Process process)
    {
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
