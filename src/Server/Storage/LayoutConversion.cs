namespace ChatResilience.Server.Storage;

/// <summary>What opening a SQLite file of the earlier layout converted: the messages moved into the journal, and the time it took (indexing included).</summary>
public sealed record LayoutConversion(long Messages, TimeSpan Took);
