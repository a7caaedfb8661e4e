namespace ChatResilience.Protocol;

/// <summary>
/// The field syntax of PROTOCOL.md §2, in one place for the codec, the server (admin API, tokens) and the
/// client (checking a message before it gets a seq).
/// </summary>
public static class ProtocolFields
{
    /// <summary>True for 1–64 chars of <c>[A-Za-z0-9._:-]</c>.</summary>
    public static bool IsId(string? value)
    {
        if (value is null || value.Length is 0 or > ProtocolConstants.MaxIdChars)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for <c>^[a-z0-9][a-z0-9._:-]{0,127}$</c>.</summary>
    public static bool IsRoom(string? value)
    {
        if (value is null || value.Length is 0 or > ProtocolConstants.MaxRoomChars)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var ok = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || (i > 0 && c is '.' or '_' or ':' or '-');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
