using ChatResilience.Protocol.Connections;

namespace ChatResilience.Client.Transport;

/// <summary>
/// Opens one connection per attempt. Every attempt of a <see cref="ChatClient"/> goes through here, so a
/// wrapper can observe (timestamp) or fault them. Throws <see cref="ConnectRejectedException"/> for an HTTP
/// refusal that the close-code table maps (401, 503); any other failure is a lost connection.
/// </summary>
public interface IFrameConnectionFactory
{
    /// <summary>Connects to <paramref name="uri"/> presenting <paramref name="bearerToken"/> (null: none).</summary>
    Task<IFrameConnection> ConnectAsync(Uri uri, string? bearerToken, CancellationToken cancellationToken);
}
