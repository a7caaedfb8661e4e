using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace ChatResilience.Server.Hosting;

/// <summary>
/// A small Prometheus text exporter over <see cref="MeterListener"/>: sums counters and up-down counters,
/// keeps count and sum of histograms and the last value of gauges, per tag set. Never throws while recording.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), Series> _series = new();

    public PrometheusExporter(string meterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName)
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
                Counter<long> or Counter<double> => "counter",
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
            lock (series)
            {
                if (instrument.IsObservable && instrument is not ObservableCounter<long>)
                {
                    series.Value = value;
                }
                else
                {
                    series.Value += value;
                }

                series.Count++;
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
        return instrument is Counter<long> or Counter<double> ? name + unit + "_total" : name + unit;
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
        public double Value { get; set; }

        public long Count { get; set; }
    }
}
