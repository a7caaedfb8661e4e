namespace ChatResilience.Chaos.Proxy.Internal;

/// <summary>An API error with the status and message Toxiproxy would answer.</summary>
internal sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static ApiException ProxyNotFound() => new(404, "proxy not found");

    public static ApiException ToxicNotFound() => new(404, "toxic not found");

    public static ApiException BadRequest(string detail) => new(400, "bad request body: " + detail);
}
