namespace ChatResilience.Client;

/// <summary>A send was finally refused (a non-retryable <c>nack</c>, e.g. <c>no_such_room</c>, <c>expired</c>).</summary>
public sealed class SendFailedException : Exception
{
    public SendFailedException()
        : this("", 0, "unknown", "the send failed")
    {
    }

    public SendFailedException(string message)
        : this("", 0, "unknown", message)
    {
    }

    public SendFailedException(string message, Exception inner)
        : base(message, inner) => Code = "unknown";

    public SendFailedException(string id, long seq, string code, string reason)
        : base($"send {seq} ({id}) failed: {code}: {reason}")
    {
        Id = id;
        Seq = seq;
        Code = code;
        Reason = reason;
    }

    /// <summary>The message id.</summary>
    public string Id { get; } = "";

    /// <summary>The client seq.</summary>
    public long Seq { get; }

    /// <summary>The final nack code (<see cref="Protocol.ErrorCodes"/>).</summary>
    public string Code { get; }

    /// <summary>The server's reason.</summary>
    public string Reason { get; } = "";
}
