using System.Text;
using System.Text.Json;

namespace ChatResilience.Protocol.Tests.Codec;

/// <summary>Loads protocol/ (schema and vectors) as copied next to the test assembly.</summary>
internal static class ProtocolVectors
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "protocol");

    public static string SchemaPath => Path.Combine(Root, "chatresilience-v1.schema.json");

    public static TheoryData<string> ValidNames() => Names("valid");

    public static TheoryData<string> InvalidNames() => Names("invalid");

    public static ValidVector Valid(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "vectors", "valid", name)));
        var root = doc.RootElement;
        return new ValidVector(
            root.GetProperty("description").GetString()!,
            root.GetProperty("frame").Clone(),
            root.GetProperty("bytes").GetString()!);
    }

    public static InvalidVector Invalid(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "vectors", "invalid", name)));
        var root = doc.RootElement;
        var input = root.TryGetProperty("input", out var text)
            ? Encoding.UTF8.GetBytes(text.GetString()!)
            : Convert.FromBase64String(root.GetProperty("inputBase64").GetString()!);
        var binary = root.TryGetProperty("binary", out var b) && b.GetBoolean();
        return new InvalidVector(root.GetProperty("description").GetString()!, input, root.GetProperty("code").GetString()!, binary);
    }

    private static TheoryData<string> Names(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Root, "vectors", kind), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }
}

internal sealed record ValidVector(string Description, JsonElement Frame, string Bytes);

internal sealed record InvalidVector(string Description, byte[] Input, string Code, bool Binary);
