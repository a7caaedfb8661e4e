using System.Diagnostics;
using System.Reflection;

namespace ChatResilience.Simulator.Sharding;

/// <summary>Starts this same chatsim executable as a child (server or worker): the apphost directly, or <c>dotnet chatsim.dll</c>.</summary>
internal static class ChatSimProcess
{
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("the process path of chatsim is unknown");
        var psi = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            psi.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("the chatsim assembly path is unknown"));
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return psi;
    }
}
