using System.Diagnostics;

namespace ChatResilience.Bench;

/// <summary>
/// This bench executable started again as a child that serves something (<see cref="BenchProcess"/>): it prints a ready
/// line beginning with a marker, then serves until its standard input closes, so it never outlives the measuring
/// process. Its output after the ready line is drained so it never blocks on a full pipe.
/// </summary>
internal sealed class BenchChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _drain;
    private readonly TimeSpan _stopWait;

    private BenchChildProcess(Process process, Task drain, TimeSpan stopWait)
    {
        _process = process;
        _drain = drain;
        _stopWait = stopWait;
    }

    /// <summary>
    /// Starts the child with <paramref name="args"/>; returns it with what its ready line says after <paramref name="marker"/>.
    /// Disposing waits <paramref name="stopWait"/> for it to stop before killing it.
    /// </summary>
    public static async Task<(BenchChildProcess Child, string Ready)> StartAsync(IEnumerable<string> args, string marker, TimeSpan stopWait)
    {
        var start = BenchProcess.StartInfo(args);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the child process");
        try
        {
            // A host may log to stdout too: skip to the marker line.
            while (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) is { } line)
            {
                if (line.StartsWith(marker, StringComparison.Ordinal))
                {
                    return (new BenchChildProcess(process, process.StandardOutput.ReadToEndAsync(), stopWait), line[marker.Length..].Trim());
                }
            }

            throw new InvalidOperationException($"the child process exited without printing '{marker}'");
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    /// <summary>The child's CPU time so far (user + kernel).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Closes the child's input and waits for it to stop (killed after the start's stop wait).</summary>
    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(_stopWait))
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        await _drain;
        _process.Dispose();
    }
}
