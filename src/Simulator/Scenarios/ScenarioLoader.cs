using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatResilience.Simulator.Scenarios;

/// <summary>Reads scenario files: strict JSON (unknown fields are errors, so a typo never silently keeps a default), then validation.</summary>
public static class ScenarioLoader
{
    /// <summary>The serializer settings of the scenario schema (camelCase, durations as text).</summary>
    public static readonly JsonSerializerOptions JsonOptions = CreateOptions();

    /// <summary>Loads and validates a file. Throws <see cref="ScenarioException"/> listing every problem.</summary>
    public static LoadedScenario Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ScenarioException(path, [$"cannot read the file: {e.Message}"]);
        }

        return Parse(text, path);
    }

    /// <summary>Parses and validates scenario JSON; <paramref name="source"/> names it in errors.</summary>
    public static LoadedScenario Parse(string json, string source = "scenario")
    {
        Scenario? scenario;
        try
        {
            scenario = JsonSerializer.Deserialize<Scenario>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ScenarioException(source, [Describe(e)]);
        }

        if (scenario is null)
        {
            throw new ScenarioException(source, ["the file must hold a JSON object"]);
        }

        Validate(scenario, source);
        return new LoadedScenario(scenario, source, Hash(json));
    }

    /// <summary>Validates a scenario (e.g. after command-line overrides); throws <see cref="ScenarioException"/>.</summary>
    public static void Validate(Scenario scenario, string source = "scenario")
    {
        var errors = ScenarioValidator.Validate(scenario);
        if (errors.Count > 0)
        {
            throw new ScenarioException(source, errors);
        }
    }

    private static string Describe(JsonException e)
    {
        var path = e.Path is { Length: > 0 } p ? (p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : p.TrimStart('$')) : "(root)";
        var message = e.Message;

        // The serializer appends its own "Path: … | LineNumber: …" to messages; keep only the explanation.
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        var line = e.LineNumber is { } l ? $" (line {l + 1})" : "";
        return $"{(path.Length == 0 ? "(root)" : path)}: {message}{line}";
    }

    private static string Hash(string json) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new DurationJsonConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>A validated scenario with where it came from and a hash of its text (for the run summary).</summary>
public sealed record LoadedScenario(Scenario Scenario, string Source, string Hash);
