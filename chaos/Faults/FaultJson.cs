using System.Text.Json;

namespace ChatResilience.Chaos.Faults;

/// <summary>Reads and writes fault lists; reading validates and names the offending field.</summary>
public static class FaultJson
{
    /// <summary>Serialises faults as a JSON array.</summary>
    public static string Serialize(IReadOnlyList<Fault> faults) =>
        JsonSerializer.Serialize(faults.ToList(), FaultJsonContext.Default.ListFault);

    /// <summary>Serialises one fault.</summary>
    public static string Serialize(Fault fault) => JsonSerializer.Serialize(fault, FaultJsonContext.Default.Fault);

    /// <summary>
    /// Parses a JSON array of faults; throws <see cref="FaultValidationException"/> for malformed JSON
    /// (with the JSON path), an unknown type, or any invalid field (listing every one, by index).
    /// </summary>
    public static IReadOnlyList<Fault> DeserializeList(string json)
    {
        List<Fault>? faults;
        try
        {
            faults = JsonSerializer.Deserialize(json, FaultJsonContext.Default.ListFault);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            throw new FaultValidationException("fault list", [ex.Message]);
        }

        if (faults is null)
        {
            throw new FaultValidationException("fault list", ["expected a JSON array of faults, got null"]);
        }

        var problems = new List<string>();
        for (var i = 0; i < faults.Count; i++)
        {
            if (faults[i] is null)
            {
                problems.Add($"[{i}]: null fault");
                continue;
            }

            problems.AddRange(faults[i].Validate().Select(p => $"[{i}] {faults[i].Type}.{p}"));
        }

        return problems.Count > 0 ? throw new FaultValidationException("fault list", problems) : faults;
    }

    /// <summary>Parses and validates one fault.</summary>
    public static Fault Deserialize(string json)
    {
        Fault? fault;
        try
        {
            fault = JsonSerializer.Deserialize(json, FaultJsonContext.Default.Fault);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            throw new FaultValidationException("fault", [ex.Message]);
        }

        if (fault is null)
        {
            throw new FaultValidationException("fault", ["expected a fault object, got null"]);
        }

        fault.EnsureValid();
        return fault;
    }
}
