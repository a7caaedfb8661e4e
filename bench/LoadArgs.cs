using System.Globalization;

namespace ChatResilience.Bench;

/// <summary>The <c>--name value</c> options of the <c>load</c> measurements.</summary>
internal static class LoadArgs
{
    /// <summary>The value after <paramref name="name"/>, or null when absent.</summary>
    public static string? String(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>The integer after <paramref name="name"/>, or <paramref name="fallback"/> when absent or not an integer.</summary>
    public static int Int(string[] args, string name, int fallback) =>
        int.TryParse(String(args, name), CultureInfo.InvariantCulture, out var v) ? v : fallback;

    /// <summary>A comma-separated list of integers after <paramref name="name"/>, or null when absent.</summary>
    public static int[]? Ints(string[] args, string name) =>
        String(args, name)?.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
}
