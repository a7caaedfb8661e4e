using System.Globalization;
using System.Text;

namespace ChatResilience.Simulator.Load;

/// <summary>
/// Parses the Prometheus text exposition format (0.0.4): <c>name{label="value",…} value [timestamp]</c> per line,
/// <c>#</c> comments skipped. A malformed line is reported by number in <see cref="FormatException"/>, never skipped
/// silently — a scrape that half-parses would plot wrong numbers.
/// </summary>
public static class PrometheusTextParser
{
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<PrometheusSample>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            samples.Add(ParseLine(line) ?? throw new FormatException($"/metrics line {lineNumber}: cannot parse '{(line.Length > 80 ? line[..80] + "…" : line)}'"));
        }

        return samples;
    }

    /// <summary>Sum of every series of <paramref name="name"/> (e.g. CPU time over its <c>mode</c> labels); null when absent.</summary>
    public static double? Sum(IReadOnlyList<PrometheusSample> samples, string name)
    {
        ArgumentNullException.ThrowIfNull(samples);
        double? sum = null;
        foreach (var s in samples)
        {
            if (string.Equals(s.Name, name, StringComparison.Ordinal))
            {
                sum = (sum ?? 0) + s.Value;
            }
        }

        return sum;
    }

    private static PrometheusSample? ParseLine(string line)
    {
        var i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':'))
        {
            i++;
        }

        if (i == 0 || char.IsAsciiDigit(line[0]))
        {
            return null;
        }

        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i = ParseLabels(line, i + 1, labels);
            if (i < 0)
            {
                return null;
            }
        }

        var rest = line[i..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length is < 1 or > 2 || ParseValue(rest[0]) is not { } value)
        {
            return null;
        }

        return new PrometheusSample(name, labels, value);
    }

    // Returns the index after '}', or -1 when malformed.
    private static int ParseLabels(string line, int i, Dictionary<string, string> labels)
    {
        while (true)
        {
            while (i < line.Length && line[i] is ' ' or ',')
            {
                i++;
            }

            if (i < line.Length && line[i] == '}')
            {
                return i + 1;
            }

            var start = i;
            while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_'))
            {
                i++;
            }

            if (i == start || i + 1 >= line.Length || line[i] != '=' || line[i + 1] != '"')
            {
                return -1;
            }

            var key = line[start..i];
            i += 2;
            var value = new StringBuilder();
            while (true)
            {
                if (i >= line.Length)
                {
                    return -1;
                }

                var c = line[i++];
                if (c == '"')
                {
                    break;
                }

                if (c == '\\' && i < line.Length)
                {
                    var e = line[i++];
                    value.Append(e switch { 'n' => '\n', _ => e });
                }
                else
                {
                    value.Append(c);
                }
            }

            labels[key] = value.ToString();
        }
    }

    private static double? ParseValue(string s) => s switch
    {
        "NaN" => double.NaN,
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null,
    };
}
