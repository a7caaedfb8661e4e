namespace ChatResilience.Client;

/// <summary>The client reached state Closed (disposed, terminal close code, or gave up reconnecting).</summary>
public sealed class ChatClientClosedException : Exception
{
    public ChatClientClosedException()
        : base("the chat client is closed")
    {
    }

    public ChatClientClosedException(string message)
        : base(message)
    {
    }

    public ChatClientClosedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The close code that ended the client, when one did.</summary>
    public int? CloseCode { get; init; }
}
