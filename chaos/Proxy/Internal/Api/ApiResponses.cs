using System.Buffers;
using System.Text.Json;

namespace ChatResilience.Chaos.Proxy.Internal.Api;

/// <summary>Success bodies are application/json; error bodies are Toxiproxy's text/plain JSON plus newline.</summary>
internal static class ApiResponses
{
    public static Task JsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
    }

    public static Task ErrorAsync(HttpContext context, int status, string message, string contentType = "text/plain; charset=utf-8", Action<Utf8JsonWriter>? extra = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("error", message);
            writer.WriteNumber("status", status);
            extra?.Invoke(writer);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
    }

    public static Task NoContent(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }
}
