using System.Text.Json;

namespace ChatResilience.Chaos.Proxy.Internal.Api;

/// <summary>
/// Reads request bodies the way Toxiproxy (Go's encoding/json) does: keys match case-insensitively, the
/// last duplicate wins, unknown keys are ignored and <c>null</c> means "not given". A value of the wrong
/// type is a 400 naming the field.
/// </summary>
internal readonly struct JsonFields
{
    private readonly JsonElement _object;

    public JsonFields(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest($"expected a JSON object, got {element.ValueKind.ToString().ToLowerInvariant()}");
        }

        _object = element;
    }

    public IEnumerable<JsonProperty> Properties => _object.EnumerateObject();

    public JsonElement? Find(string name)
    {
        JsonElement? found = null;
        foreach (var property in _object.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                found = property.Value;
            }
        }

        return found is { ValueKind: JsonValueKind.Null } ? null : found;
    }

    public string? String(string name) => Find(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        _ => throw ApiException.BadRequest($"{name} must be a string"),
    };

    public bool? Bool(string name) => Find(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw ApiException.BadRequest($"{name} must be a boolean"),
    };

    public double? Number(string name) => Find(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } v when v.TryGetDouble(out var d) => d,
        _ => throw ApiException.BadRequest($"{name} must be a number"),
    };

    public static long Integer(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var l)
            ? l
            : throw ApiException.BadRequest($"attribute {name} must be an integer");

    public JsonFields? Object(string name) => Find(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Object } v => new JsonFields(v),
        _ => throw ApiException.BadRequest($"{name} must be an object"),
    };
}
