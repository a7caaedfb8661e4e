namespace ChatResilience.Chaos.Proxy.Internal.Toxics;

/// <summary>What the toxic pipeline of one link needs from its socket shell.</summary>
internal interface IToxicLinkHost
{
    /// <summary>Writes a chunk to the link's destination.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Closes both sides of the connection (idempotent, never throws).</summary>
    void CloseConnection(string reason);
}
