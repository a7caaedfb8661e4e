using System.Diagnostics;

namespace ChatResilience.Simulator.Reports;

/// <summary>The git commit of the working directory, for the summary (a run repeats only on the same code).</summary>
public static class GitRevision
{
    /// <summary>The output of <c>git rev-parse HEAD</c>, or "unknown" when git or a repository is missing.</summary>
    public static string Current()
    {
        try
        {
            var psi = new ProcessStartInfo("git", "rev-parse HEAD") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi);
            var output = p?.StandardOutput.ReadToEnd().Trim();
            p?.WaitForExit(5000);
            return p?.ExitCode == 0 && !string.IsNullOrEmpty(output) ? output : "unknown";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "unknown";
        }
    }
}
