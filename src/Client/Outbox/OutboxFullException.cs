namespace ChatResilience.Client.Outbox;

/// <summary>The outbox holds its capacity of unsettled messages; the new send is refused (nothing is dropped).</summary>
public sealed class OutboxFullException : Exception
{
    public OutboxFullException()
        : base("the outbox is full")
    {
    }

    public OutboxFullException(string message)
        : base(message)
    {
    }

    public OutboxFullException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The capacity that was reached.</summary>
    public int Capacity { get; init; }
}
