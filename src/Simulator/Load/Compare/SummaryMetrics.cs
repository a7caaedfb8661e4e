using System.Globalization;
using System.Text.Json;

namespace ChatResilience.Simulator.Load.Compare;

/// <summary>
/// Reads the comparable metrics of a <c>summary.json</c> — a load summary (<c>"kind": "load"</c>) or a run
/// summary — from its JSON, so compare also reads files written by older or newer chatsim versions as long as the
/// fields it needs are there.
/// </summary>
public static class SummaryMetrics
{
    /// <summary>Kind of a run summary (it has no <c>kind</c> field).</summary>
    public const string RunKind = "run";

    /// <summary>
    /// A parsed summary: its kind, scenario and metrics in a stable order, and for a load summary its
    /// <c>serverUnderTest</c> (a summary written before that was recorded loaded the embedded server); null for a run summary.
    /// </summary>
    public sealed record Parsed(string Kind, string Scenario, string? ScenarioHash, IReadOnlyList<SummaryMetric> Metrics, string? ServerUnderTest = null);

    public static Parsed Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SummaryFileException($"{path}: cannot read the file: {e.Message}");
        }

        return Parse(text, path);
    }

    public static Parsed Parse(string json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new SummaryFileException($"{source}: not JSON ({e.Message})");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SummaryFileException($"{source}: (root): must be a JSON object (a chatsim summary.json)");
            }

            var kind = root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : RunKind;
            // Load summaries name these scenarioName/scenarioSha256, run summaries scenario/scenarioHash.
            var scenario = root.TryGetProperty("scenarioName", out var sn) && sn.ValueKind == JsonValueKind.String ? sn.GetString()! : String(root, "scenario", source);
            var hash = OptionalString(root, "scenarioSha256") ?? OptionalString(root, "scenarioHash");
            var metrics = kind switch
            {
                LoadSummary.LoadKind => LoadMetrics(root, source),
                RunKind => RunMetrics(root, source),
                _ => throw new SummaryFileException($"{source}: kind: unknown summary kind '{kind}' (expected \"load\" or none for a run summary)"),
            };
            var server = kind == LoadSummary.LoadKind ? OptionalString(root, "serverUnderTest") ?? LoadSummary.Embedded : null;
            return new Parsed(kind, scenario, hash, metrics, server);
        }
    }

    private static List<SummaryMetric> LoadMetrics(JsonElement root, string source)
    {
        var m = new List<SummaryMetric>();
        Percentiles(m, Object(root, "connectTime", source), "connect_time", source, p999: false);
        Percentiles(m, Object(root, "deliveryLatency", source), "delivery_latency", source, p999: true);
        var hold = Object(root, "holdRates", source);
        m.Add(new("hold_sent_per_s", Number(hold, "sentPerSecond", source, "holdRates."), true));
        m.Add(new("hold_acked_per_s", Number(hold, "ackedPerSecond", source, "holdRates."), true));
        m.Add(new("hold_delivered_per_s", Number(hold, "deliveredPerSecond", source, "holdRates."), true));
        m.Add(new("peak_connections", Number(root, "peakConnections", source), true));
        m.Add(new("connect_failures", Number(root, "connectFailures", source), false));
        m.Add(new("errors", Number(root, "errors", source), false));
        var server = Object(root, "server", source);
        Optional(m, server, "cpuPercentMean", "server_cpu_percent_mean");
        Optional(m, server, "cpuPercentMax", "server_cpu_percent_max");
        Optional(m, server, "memoryBytesMax", "server_memory_bytes_max");
        if (root.TryGetProperty("sloBreaks", out var breaks) && breaks.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var b in breaks.EnumerateArray())
            {
                var name = String(b, "metric", source, $"sloBreaks[{i}].");
                // Held (1) or broke (0): a newly broken SLO is a regression even when it broke at the same load as it held to.
                var broke = b.TryGetProperty("broke", out var br) && br.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? br.GetBoolean()
                    : throw new SummaryFileException($"{source}: sloBreaks[{i}].broke: missing or not true/false");
                m.Add(new($"slo_break.{name}.held", broke ? 0 : 1, true));
                m.Add(new($"slo_break.{name}.connections", Number(b, "connections", source, $"sloBreaks[{i}]."), true));
                m.Add(new($"slo_break.{name}.msg_per_s", Number(b, "messagesPerSecond", source, $"sloBreaks[{i}]."), true));
                i++;
            }
        }

        Violations(m, root, source);
        return m;
    }

    /// <summary>
    /// Each checker's violations (<c>invariant.NAME.violations</c>, lower is better): from none to any is a regression
    /// whatever the tolerance. A summary without <c>invariants</c> (a load run before they were checked) has none to compare.
    /// </summary>
    private static void Violations(List<SummaryMetric> m, JsonElement root, string source)
    {
        if (!root.TryGetProperty("invariants", out var invariants) || invariants.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var i = 0;
        foreach (var checker in invariants.EnumerateArray())
        {
            var name = String(checker, "name", source, $"invariants[{i}].");
            m.Add(new($"invariant.{name}.violations", Number(checker, "violationCount", source, $"invariants[{i}]."), false));
            i++;
        }
    }

    private static List<SummaryMetric> RunMetrics(JsonElement root, string source)
    {
        var m = new List<SummaryMetric>();
        Percentiles(m, Object(root, "onlineLatency", source), "delivery_latency", source, p999: true);
        if (root.TryGetProperty("offlineLatency", out var offline) && offline.ValueKind == JsonValueKind.Object && Number(offline, "count", source, "offlineLatency.") > 0)
        {
            m.Add(new("offline_latency_p99_ms", Number(offline, "p99", source, "offlineLatency."), false));
        }

        var counts = Object(root, "counts", source);
        var seconds = Duration(root, source);
        if (seconds > 0)
        {
            m.Add(new("sent_per_s", Math.Round(Number(counts, "sent", source, "counts.") / seconds, 3), true));
            m.Add(new("delivered_per_s", Math.Round(Number(counts, "delivered", source, "counts.") / seconds, 3), true));
        }

        m.Add(new("failed", Number(counts, "failed", source, "counts."), false));
        m.Add(new("refused", Number(counts, "refused", source, "counts."), false));
        if (root.TryGetProperty("slos", out var slos) && slos.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var s in slos.EnumerateArray())
            {
                var name = String(s, "name", source, $"slos[{i}].");
                if (s.TryGetProperty("observed", out var observed) && observed.ValueKind == JsonValueKind.Number)
                {
                    m.Add(new($"slo.{name}", observed.GetDouble(), name.EndsWith("_min", StringComparison.Ordinal)));
                }

                i++;
            }
        }

        Violations(m, root, source);
        return m;
    }

    private static void Percentiles(List<SummaryMetric> m, JsonElement p, string prefix, string source, bool p999)
    {
        if (Number(p, "count", source, prefix + ".") == 0)
        {
            return; // no samples: nothing to compare, reported as missing
        }

        m.Add(new($"{prefix}_p50_ms", Number(p, "p50", source, prefix + "."), false));
        m.Add(new($"{prefix}_p90_ms", Number(p, "p90", source, prefix + "."), false));
        m.Add(new($"{prefix}_p99_ms", Number(p, "p99", source, prefix + "."), false));
        if (p999)
        {
            m.Add(new($"{prefix}_p999_ms", Number(p, "p999", source, prefix + "."), false));
        }
    }

    private static void Optional(List<SummaryMetric> m, JsonElement o, string field, string name)
    {
        if (o.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number)
        {
            m.Add(new(name, v.GetDouble(), false));
        }
    }

    private static string? OptionalString(JsonElement e, string field) =>
        e.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double Duration(JsonElement root, string source)
    {
        if (root.TryGetProperty("durationMs", out var ms) && ms.ValueKind == JsonValueKind.Number)
        {
            return ms.GetDouble() / 1000;
        }

        var text = String(root, "duration", source);
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var d)
            ? d.TotalSeconds
            : throw new SummaryFileException($"{source}: duration: '{text}' is not a duration (hh:mm:ss)");
    }

    private static JsonElement Object(JsonElement e, string field, string source) =>
        e.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Object
            ? v
            : throw new SummaryFileException($"{source}: {field}: missing or not an object");

    private static string String(JsonElement e, string field, string source, string path = "") =>
        e.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new SummaryFileException($"{source}: {path}{field}: missing or not a string");

    private static double Number(JsonElement e, string field, string source, string path = "")
    {
        if (e.TryGetProperty(field, out var v))
        {
            if (v.ValueKind == JsonValueKind.Number)
            {
                return v.GetDouble();
            }

            if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            {
                return d;
            }
        }

        throw new SummaryFileException($"{source}: {path}{field}: missing or not a number");
    }
}
