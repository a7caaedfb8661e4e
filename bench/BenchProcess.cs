using System.Diagnostics;

namespace ChatResilience.Bench;

/// <summary>Starts this same bench executable again as a child: the apphost directly, or <c>dotnet bench.dll</c>.</summary>
internal static class BenchProcess
{
    /// <summary>A start for the bench with <paramref name="args"/>; the caller adds redirections and environment.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(self) { UseShellExecute = false };

        // Run as `dotnet bench.dll`: the child needs the dll too.
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(BenchProcess).Assembly.Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }
}
