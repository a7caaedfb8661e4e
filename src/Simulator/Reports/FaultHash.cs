using System.Security.Cryptography;
using System.Text;
using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Reports;

/// <summary>
/// A fingerprint of the fault actions a run actually executed: SHA-256 over each <see cref="FaultEvent"/>'s
/// action, fault id and description, in execution order. Times are left out on purpose — they are wall-clock
/// noisy — so the same seed gives the same hash, and a schedule that executed differently gives another.
/// </summary>
public static class FaultHash
{
    public static string Compute(IEnumerable<FaultEvent> executed)
    {
        ArgumentNullException.ThrowIfNull(executed);
        var text = new StringBuilder();
        foreach (var f in executed)
        {
            // Length-prefixed fields: no choice of separators inside descriptions can make two lists collide.
            Append(text, f.Action);
            Append(text, f.FaultId);
            Append(text, f.Description);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The hash of the fault events of <paramref name="history"/>.</summary>
    public static string Compute(RecordedHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return Compute(history.OfType<FaultEvent>());
    }

    /// <summary>SHA-256 of a file (the scenario), lower-case hex.</summary>
    public static string Sha256OfFile(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    private static void Append(StringBuilder text, string value) =>
        text.Append(value.Length).Append(':').Append(value).Append(';');
}
