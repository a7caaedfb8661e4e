namespace ChatResilience.Client.Session;

/// <summary>How one connection attempt ended and what the close-code table says to do next.</summary>
internal sealed record SessionOutcome(int Code, CloseReaction Reaction, bool Welcomed);
