using System.Text.Json;

namespace ChatResilience.Chaos.Proxy.Internal.Api;

/// <summary>Reads a request body as JSON; anything malformed (or empty) is a 400, never an exception escaping.</summary>
internal static class RequestBody
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    public static async Task<JsonDocument> ReadAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, Options, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest(ex.Message);
        }
    }
}
