namespace ChatResilience.Client.Transport;

/// <summary>The server refused the upgrade with an HTTP status (401 → like close 4401, 503 → like 1013).</summary>
public sealed class ConnectRejectedException : Exception
{
    public ConnectRejectedException()
        : base("the server refused the connection")
    {
    }

    public ConnectRejectedException(string message)
        : base(message)
    {
    }

    public ConnectRejectedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ConnectRejectedException(int statusCode, TimeSpan? retryAfter, Exception? inner = null)
        : base($"the server refused the upgrade with HTTP {statusCode}", inner)
    {
        StatusCode = statusCode;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>The <c>Retry-After</c> header, when present.</summary>
    public TimeSpan? RetryAfter { get; }
}
