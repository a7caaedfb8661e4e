using System.Text.RegularExpressions;

namespace ChatResilience.Simulator.Tests.Load.Sharded;

/// <summary>
/// Watches a two-process load run's progress lines (<c>[I/2] … connected N … delivered M</c>, every 5 s per process)
/// and fires once both processes have reported every one of their <paramref name="clientsEach"/> clients connected and
/// some deliveries: the moment a Ctrl-C test presses Ctrl-C, wherever in the hold that falls on a loaded runner.
/// </summary>
internal sealed partial class BothSharesUnderWay(int clientsEach, Action fire)
{
    private readonly HashSet<string> _ready = [];

    public void Watch(string line)
    {
        var m = ProgressLine().Match(line);
        if (!m.Success || m.Groups[2].Value != clientsEach.ToString(System.Globalization.CultureInfo.InvariantCulture) || m.Groups[3].Value == "0")
        {
            return;
        }

        lock (_ready)
        {
            if (_ready.Add(m.Groups[1].Value) && _ready.Count == 2)
            {
                fire();
            }
        }
    }

    [GeneratedRegex(@"\[([01])/2\] +[\d.]+ s  started +\d+  connected +(\d+) .* delivered +(\d+)")]
    private static partial Regex ProgressLine();
}
