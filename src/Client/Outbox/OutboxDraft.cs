namespace ChatResilience.Client.Outbox;

/// <summary>A message about to enter the outbox; the store gives it its <c>seq</c>.</summary>
public sealed record OutboxDraft(string Id, string Room, string Body, IReadOnlyDictionary<string, string>? Meta, long CreatedAtMs, long Basis)
{
    internal OutboxEntry ToEntry(long seq) => new()
    {
        Id = Id,
        Seq = seq,
        Room = Room,
        Body = Body,
        Meta = Meta,
        CreatedAtMs = CreatedAtMs,
        Basis = Basis,
    };
}
