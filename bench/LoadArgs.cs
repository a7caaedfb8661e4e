using System.Globalization;

namespace ChatResilience.Bench;

/// <summary>
/// The <c>--name value</c> options of the <c>load</c> measurements. A value that is there but not what the option
/// takes is a <see cref="LoadArgsException"/> (exit 64 with its message), never the default: a typo'd number used to
/// measure the default quietly.
/// </summary>
internal static class LoadArgs
{
    /// <summary>The value after <paramref name="name"/>, or null when absent.</summary>
    public static string? String(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        if (i < 0)
        {
            return null;
        }

        return i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
            ? args[i + 1]
            : throw new LoadArgsException($"{name} needs a value");
    }

    /// <summary>
    /// Where a measurement writes its run: <c>--out</c>, else <c>artifacts/bench/{name}.md</c>. Never bench/results by
    /// default: the files there are curated histories of many rounds, and one run used to overwrite them whole.
    /// </summary>
    public static string Output(string[] args, string name)
    {
        var path = String(args, "--out") ?? Path.Combine("artifacts", "bench", name + ".md");
        if (Path.GetDirectoryName(path) is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
        }

        return path;
    }

    /// <summary>The integer after <paramref name="name"/> (at least <paramref name="min"/>), or <paramref name="fallback"/> when absent.</summary>
    public static int Int(string[] args, string name, int fallback, int min = 0) =>
        String(args, name) is { } value ? Parse(name, value, min) : fallback;

    /// <summary>A comma-separated list of integers (each at least <paramref name="min"/>) after <paramref name="name"/>, or null when absent.</summary>
    public static int[]? Ints(string[] args, string name, int min = 1) =>
        String(args, name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => Parse(name, v, min)).ToArray() switch
        {
            [] => throw new LoadArgsException($"{name} needs at least one integer"),
            var list => list,
        };

    private static int Parse(string name, string value, int min) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min
            ? v
            : throw new LoadArgsException($"{name}: '{value}' is not an integer of at least {min}");
}

/// <summary>A <c>load</c> option given a value it does not take: a usage error.</summary>
internal sealed class LoadArgsException(string message) : Exception(message);
