namespace ChatResilience.Chaos.Toxiproxy;

/// <summary>
/// A Toxiproxy API error: the HTTP status and Toxiproxy's message, read from the body
/// <c>{"error":"…","status":N}</c> whatever its content type (Toxiproxy sends text/plain).
/// </summary>
public sealed class ToxiproxyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ToxiproxyException(int status, string toxiproxyMessage, string body)
        : base($"Toxiproxy {status}: {toxiproxyMessage}")
    {
        Status = status;
        ToxiproxyMessage = toxiproxyMessage;
        Body = body;
    }

    /// <summary>HTTP status code (404 not found, 409 exists, 400 bad body, 500 bind error…).</summary>
    public int Status { get; }

    /// <summary>Toxiproxy's "error" message, e.g. "proxy not found"; the raw body if it was not JSON.</summary>
    public string ToxiproxyMessage { get; }

    /// <summary>The raw response body.</summary>
    public string Body { get; }
}
