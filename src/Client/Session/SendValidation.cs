using System.Text;
using ChatResilience.Protocol;

namespace ChatResilience.Client.Session;

/// <summary>
/// Checks a message against PROTOCOL.md §2 and the server's announced limits before it gets a seq
/// (§6.2: a client never burns a seq on something the server must refuse).
/// </summary>
internal static class SendValidation
{
    public static void ThrowIfInvalidRoom(string room)
    {
        if (!ProtocolFields.IsRoom(room))
        {
            throw new ArgumentException($"room must match ^[a-z0-9][a-z0-9._:-]{{0,127}}$, was '{room}'", nameof(room));
        }
    }

    public static void ThrowIfInvalid(string room, string body, IReadOnlyDictionary<string, string>? meta, int maxBodyBytes)
    {
        ThrowIfInvalidRoom(room);
        ArgumentNullException.ThrowIfNull(body);
        var bytes = Encoding.UTF8.GetByteCount(body);
        if (bytes > maxBodyBytes)
        {
            throw new ArgumentException($"body is {bytes} UTF-8 bytes; the server accepts at most {maxBodyBytes}", nameof(body));
        }

        if (meta is null)
        {
            return;
        }

        if (meta.Count > ProtocolConstants.MaxMetaEntries)
        {
            throw new ArgumentException($"meta has {meta.Count} entries; at most {ProtocolConstants.MaxMetaEntries}", nameof(meta));
        }

        foreach (var (key, value) in meta)
        {
            if (key.Length is 0 or > ProtocolConstants.MaxIdChars || value is null || value.Length > ProtocolConstants.MaxMetaValueChars)
            {
                throw new ArgumentException($"meta keys must be 1..{ProtocolConstants.MaxIdChars} chars and values at most {ProtocolConstants.MaxMetaValueChars} chars", nameof(meta));
            }
        }
    }
}
