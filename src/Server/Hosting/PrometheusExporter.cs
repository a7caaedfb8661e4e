using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace ChatResilience.Server.Hosting;

/// <summary>
/// A small Prometheus text exporter over <see cref="MeterListener"/>: sums counters and up-down counters,
/// keeps count and sum of histograms and the last value of observable instruments (gauges, and observable
/// counters, which report running totals), per tag set. Never throws while recording.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), Series> _series = new();

    /// <summary>
    /// The meter .NET publishes for the process and runtime (CPU time, working set, GC, thread pool): exported
    /// beside the server's own so a load run can report server CPU and memory from <c>/metrics</c> alone.
    /// </summary>
    public const string RuntimeMeterName = "System.Runtime";

    /// <summary>Exports every meter of these names in the process.</summary>
    public PrometheusExporter(params string[] meterNames)
        : this([], meterNames)
    {
    }

    /// <summary>
    /// Exports <paramref name="ownMeters"/> by instance and <paramref name="sharedMeterNames"/> by name. A host's
    /// own meters go by instance: a process with several hosts (tests, a simulator's in-process server) has one
    /// meter of the same name per host, and exporting by name gave each host's <c>/metrics</c> every host's numbers,
    /// each metric family once per host (a repeated HELP/TYPE, which Prometheus rejects). Process-wide meters such
    /// as <see cref="RuntimeMeterName"/> go by name.
    /// </summary>
    public PrometheusExporter(IReadOnlyCollection<Meter> ownMeters, params string[] sharedMeterNames)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ownMeters.Contains(instrument.Meter) || sharedMeterNames.Contains(instrument.Meter.Name, StringComparer.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>The exposition text (version 0.0.4).</summary>
    public string Scrape()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var group in _series.GroupBy(kv => kv.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            var instrument = group.Key;
            var name = Name(instrument);
            var kind = instrument switch
            {
                Counter<long> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => "counter",
                Histogram<long> or Histogram<double> => "summary",
                _ => "gauge",
            };
            text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description ?? "").Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(kind).Append('\n');
            foreach (var (key, series) in group.OrderBy(kv => kv.Key.Labels, StringComparer.Ordinal))
            {
                var labels = key.Labels.Length == 0 ? "" : "{" + key.Labels + "}";
                if (kind == "summary")
                {
                    text.Append(name).Append("_count").Append(labels).Append(' ').Append(series.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    text.Append(name).Append("_sum").Append(labels).Append(' ').Append(series.Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                }
                else
                {
                    text.Append(name).Append(labels).Append(' ').Append(series.Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        try
        {
            var labels = Labels(tags);
            var series = _series.GetOrAdd((instrument, labels), _ => new Series());

            // Observable instruments report their current value (a gauge's level, an observable counter's
            // running total); the others report increments. Lock-free: a lock per series was contended by
            // every connection's frame counters on the send→ack path.
            if (instrument.IsObservable)
            {
                series.Set(value);
            }
            else
            {
                series.Add(value);
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            // Metrics never break the server.
        }
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }

        var parts = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            var value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "";
            parts.Add($"{Sanitize(tag.Key)}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"");
        }

        parts.Sort(StringComparer.Ordinal);
        return string.Join(',', parts);
    }

    private static string Name(Instrument instrument)
    {
        var name = Sanitize(instrument.Name);
        var unit = instrument.Unit switch
        {
            "s" => "_seconds",
            "By" => "_bytes",
            _ => "",
        };
        return instrument is Counter<long> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> ? name + unit + "_total" : name + unit;
    }

    private static string Sanitize(string s)
    {
        var b = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            b.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return b.ToString();
    }

    private sealed class Series
    {
        private double _value;
        private long _count;

        public double Value => Volatile.Read(ref _value);

        public long Count => Interlocked.Read(ref _count);

        public void Set(double value)
        {
            Volatile.Write(ref _value, value);
            Interlocked.Increment(ref _count);
        }

        public void Add(double value)
        {
            var current = Volatile.Read(ref _value);
            while (true)
            {
                var seen = Interlocked.CompareExchange(ref _value, current + value, current);
                if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
                {
                    break;
                }

                current = seen;
            }

            Interlocked.Increment(ref _count);
        }
    }
}
