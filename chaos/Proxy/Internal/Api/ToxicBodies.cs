using System.Collections.Immutable;
using ChatResilience.Chaos.Proxy.Internal.Toxics;

namespace ChatResilience.Chaos.Proxy.Internal.Api;

/// <summary>Parses and validates toxic bodies (create and update).</summary>
internal static class ToxicBodies
{
    public static ToxicSpec ParseCreate(JsonFields body)
    {
        // Toxiproxy's order of checks: stream, then type.
        var stream = ParseStream(body.String("stream"));
        var type = body.String("type");
        if (type is null || !ToxicKinds.TryParse(type, out var kind))
        {
            throw new ApiException(400, "invalid toxic type");
        }

        var name = body.String("name");
        if (string.IsNullOrEmpty(name))
        {
            name = type + "_" + ToxicKinds.WireName(stream);
        }

        var given = ParseAttributes(kind, body.Object("attributes"));
        var names = ToxicKinds.AttributeNames(kind);
        var values = ImmutableArray.CreateBuilder<long>(names.Count);
        foreach (var attribute in names)
        {
            values.Add(given.TryGetValue(attribute, out var v) ? v : 0);
        }

        var spec = new ToxicSpec(name, kind, stream, body.Number("toxicity") ?? 1.0, values.MoveToImmutable());
        Validate(spec);
        return spec;
    }

    public static ToxicChange ParseUpdate(ToxicKind kind, JsonFields body) =>
        new(body.Number("toxicity"), ParseAttributes(kind, body.Object("attributes")));

    /// <summary>
    /// The fixes over Toxiproxy (which crashes or misbehaves on these): negative attributes, durations and
    /// rates beyond int32, slicer average_size 0 or size_variation above average_size, toxicity outside [0, 1].
    /// </summary>
    public static void Validate(ToxicSpec spec)
    {
        var problems = new List<string>();
        if (spec.Toxicity is < 0 or > 1 || double.IsNaN(spec.Toxicity))
        {
            problems.Add("toxicity must be between 0 and 1");
        }

        var names = ToxicKinds.AttributeNames(spec.Kind);
        for (var i = 0; i < names.Count; i++)
        {
            var value = spec.Attributes[i];
            var max = spec.Kind == ToxicKind.LimitData ? long.MaxValue : int.MaxValue;
            if (value < 0 || value > max)
            {
                problems.Add($"{names[i]} must be between 0 and {max}, got {value}");
            }
        }

        if (spec.Kind == ToxicKind.Slicer)
        {
            var average = spec.Attribute("average_size");
            var variation = spec.Attribute("size_variation");
            if (average == 0)
            {
                problems.Add("average_size must be greater than 0");
            }

            if (variation > average)
            {
                problems.Add($"size_variation ({variation}) must not exceed average_size ({average})");
            }
        }

        if (problems.Count > 0)
        {
            throw new ApiException(400, $"invalid {ToxicKinds.WireName(spec.Kind)} toxic: {string.Join("; ", problems)}");
        }
    }

    private static LinkDirection ParseStream(string? stream) => stream?.ToLowerInvariant() switch
    {
        null or "" or "downstream" => LinkDirection.Downstream,
        "upstream" => LinkDirection.Upstream,
        _ => throw new ApiException(400, "stream was invalid, can be either upstream or downstream"),
    };

    private static ImmutableDictionary<string, long> ParseAttributes(ToxicKind kind, JsonFields? attributes)
    {
        var result = ImmutableDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        if (attributes is { } fields)
        {
            foreach (var name in ToxicKinds.AttributeNames(kind))
            {
                if (fields.Find(name) is { } value)
                {
                    result[name] = JsonFields.Integer(value, name);
                }
            }
        }

        return result.ToImmutable();
    }
}
