using System.Text.Json.Serialization;
using ChatResilience.Chaos.Toxiproxy;

namespace ChatResilience.Chaos.Faults;

/// <summary>
/// A fault as data: what (the derived type and its attributes), where (<see cref="Proxy"/>,
/// <see cref="Direction"/>), how often (<see cref="Toxicity"/>) and when (<see cref="Start"/>,
/// <see cref="Duration"/>). JSON shape, with a "type" discriminator:
/// <c>{"type":"latency","proxy":"group-a","direction":"downstream","toxicity":1,"start":"00:00:05","duration":"00:00:10","latencyMs":200,"jitterMs":50}</c>.
/// Durations of type-specific attributes are integers named with their unit (…Ms, …Us).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(LatencyFault), "latency")]
[JsonDerivedType(typeof(BandwidthFault), "bandwidth")]
[JsonDerivedType(typeof(SlowCloseFault), "slow_close")]
[JsonDerivedType(typeof(TimeoutFault), "timeout")]
[JsonDerivedType(typeof(ResetPeerFault), "reset_peer")]
[JsonDerivedType(typeof(SlicerFault), "slicer")]
[JsonDerivedType(typeof(LimitDataFault), "limit_data")]
[JsonDerivedType(typeof(NoopFault), "noop")]
[JsonDerivedType(typeof(DownFault), "down")]
public abstract record Fault
{
    /// <summary>Name of the target proxy (required).</summary>
    public string Proxy { get; init; } = "";

    /// <summary>Direction affected; default downstream (Toxiproxy's default). Ignored by <see cref="DownFault"/>.</summary>
    /// <remarks>
    /// A setter, not init: the JSON source generator assigns every init-only property when constructing,
    /// which would replace this default with zero when the field is absent. The same holds for every
    /// property below that has a non-zero default.
    /// </remarks>
    public FaultDirection Direction { get; set; } = FaultDirection.Downstream;

    /// <summary>Probability, 0–1, that a connection is affected; default 1. Ignored by <see cref="DownFault"/>.</summary>
    public double Toxicity { get; set; } = 1.0;

    /// <summary>Offset from the start of the run at which the fault is applied; default zero.</summary>
    public TimeSpan Start { get; init; }

    /// <summary>How long the fault stays; default null = until the end of the run.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The fault's type name, as in JSON ("latency", "down", …).</summary>
    /// <remarks>Computed here, not overridden: an override would be serialised and clash with the discriminator.</remarks>
    [JsonIgnore]
    public string Type => this switch
    {
        LatencyFault => "latency",
        BandwidthFault => "bandwidth",
        SlowCloseFault => "slow_close",
        TimeoutFault => "timeout",
        ResetPeerFault => "reset_peer",
        SlicerFault => "slicer",
        LimitDataFault => "limit_data",
        NoopFault => "noop",
        DownFault => "down",
        _ => GetType().Name,
    };

    /// <summary>Every problem with the fault, each naming its JSON field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Proxy))
        {
            problems.Add("proxy: required");
        }

        if (!Enum.IsDefined(Direction))
        {
            problems.Add("direction: must be upstream, downstream or both");
        }

        if (Toxicity is < 0 or > 1 || double.IsNaN(Toxicity))
        {
            problems.Add($"toxicity: must be between 0 and 1, got {Toxicity}");
        }

        if (Start < TimeSpan.Zero)
        {
            problems.Add($"start: must not be negative, got {Start}");
        }

        if (Duration is { } d && d <= TimeSpan.Zero)
        {
            problems.Add($"duration: must be positive (or absent for until the end), got {d}");
        }

        ValidateAttributes(problems);
        return problems;
    }

    /// <summary>Throws <see cref="FaultValidationException"/> listing every problem.</summary>
    public void EnsureValid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new FaultValidationException(Type, problems);
        }
    }

    /// <summary>The toxic attributes this fault injects; null for faults that are not toxics (down).</summary>
    public abstract ToxicAttributes? ToToxicAttributes();

    /// <summary>Adds attribute problems, each naming its JSON field.</summary>
    protected virtual void ValidateAttributes(List<string> problems)
    {
    }

    /// <summary>Range check shared by the attribute validators.</summary>
    protected static void RequireRange(List<string> problems, string field, double value, double min, double max)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (value < min || value > max)
        {
            problems.Add($"{field}: must be between {min} and {max}, got {value}");
        }
    }

    /// <summary>Toxiproxy's millisecond attributes are integers up to int32 (the embedded proxy's limit).</summary>
    protected static void RequireMilliseconds(List<string> problems, string field, TimeSpan value) =>
        RequireRange(problems, field, value.TotalMilliseconds, 0, int.MaxValue);
}
