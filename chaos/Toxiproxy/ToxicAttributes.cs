using System.Text.Json;

namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>
/// A toxic's type and attributes, typed. Durations are <see cref="TimeSpan"/> on this side and whole
/// milliseconds (slicer delay: microseconds) on the wire; sizes and rates are integers as on the wire.
/// </summary>
public abstract record ToxicAttributes
{
    /// <summary>Toxiproxy's type name, e.g. "latency".</summary>
    public abstract string Type { get; }

    /// <summary>Writes the "attributes" object's members (every attribute of the type).</summary>
    internal abstract void WriteMembers(Utf8JsonWriter writer);

    /// <summary>Whole milliseconds, as Toxiproxy's integer attributes carry them.</summary>
    internal static long Ms(TimeSpan value) => (long)value.TotalMilliseconds;
}
