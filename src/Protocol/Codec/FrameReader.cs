using System.Text.Json;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Protocol.Codec;

/// <summary>
/// Hand-written readers for the hottest frames (<c>msg</c>, <c>send</c>, <c>ack</c>, <c>page</c>) when <c>t</c> comes first,
/// as every writer of this library puts it. System.Text.Json's polymorphic path reads no faster than reflection
/// and allocates its read stack on every call; these allocate only the resulting frame and its strings.
/// They never decide that input is invalid: anything unexpected (a wrong type, a missing field, a second
/// <c>t</c>, broken JSON) returns null and the generic path decodes it again, so errors stay exactly the
/// generic path's typed errors. Tests compare both paths on valid and invalid input.
/// </summary>
internal static class FrameReader
{
    public static Frame? TryRead(ReadOnlySpan<byte> json)
    {
        try
        {
            if (json.StartsWith("""{"t":"msg","""u8))
            {
                return ReadMsg(json);
            }

            if (json.StartsWith("""{"t":"send","""u8))
            {
                return ReadSend(json);
            }

            if (json.StartsWith("""{"t":"ack","""u8))
            {
                return ReadAck(json);
            }

            if (json.StartsWith("""{"t":"page","""u8))
            {
                return ReadPage(json);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            // Broken or unusual input: the generic path decides what it is.
        }

        return null;
    }

    private static MsgFrame? ReadMsg(ReadOnlySpan<byte> json)
    {
        var r = Open(json);
        var msg = ReadMsgBody(ref r);
        return msg is not null && AtEnd(ref r) ? msg : null;
    }

    /// <summary>Reads a msg object's properties up to its end (the reader is inside the object).</summary>
    private static MsgFrame? ReadMsgBody(ref Utf8JsonReader r)
    {
        string? room = null, id = null, from = null, clientId = null, body = null;
        long? seq = null;
        long epoch = 0, clientSeq = 0, sentAt = 0, basis = 0, at = 0;
        IReadOnlyDictionary<string, string>? meta = null;
        while (NextProperty(ref r))
        {
            var ok =
                r.ValueTextEquals("room"u8) ? String(ref r, out room)
                : r.ValueTextEquals("epoch"u8) ? Int(ref r, out epoch)
                : r.ValueTextEquals("seq"u8) ? NullableInt(ref r, out seq, allowNull: false)
                : r.ValueTextEquals("id"u8) ? String(ref r, out id)
                : r.ValueTextEquals("from"u8) ? String(ref r, out from)
                : r.ValueTextEquals("clientId"u8) ? String(ref r, out clientId)
                : r.ValueTextEquals("clientSeq"u8) ? Int(ref r, out clientSeq)
                : r.ValueTextEquals("body"u8) ? String(ref r, out body)
                : r.ValueTextEquals("sentAt"u8) ? Int(ref r, out sentAt)
                : r.ValueTextEquals("basis"u8) ? Int(ref r, out basis)
                : r.ValueTextEquals("at"u8) ? Int(ref r, out at)
                : r.ValueTextEquals("meta"u8) ? Meta(ref r, out meta)
                : Skip(ref r);
            if (!ok)
            {
                return null;
            }
        }

        if (room is null || id is null || from is null || clientId is null || body is null || seq is not { } s)
        {
            return null;
        }

        return new MsgFrame
        {
            Room = room, Epoch = epoch, Seq = s, Id = id, From = from, ClientId = clientId, ClientSeq = clientSeq,
            Body = body, SentAt = sentAt, Basis = basis, At = at, Meta = meta,
        };
    }

    private static SendFrame? ReadSend(ReadOnlySpan<byte> json)
    {
        var r = Open(json);
        string? id = null, room = null, body = null;
        long? seq = null, sentAt = null;
        long basis = 0;
        IReadOnlyDictionary<string, string>? meta = null;
        while (NextProperty(ref r))
        {
            var ok =
                r.ValueTextEquals("id"u8) ? String(ref r, out id)
                : r.ValueTextEquals("seq"u8) ? NullableInt(ref r, out seq, allowNull: false)
                : r.ValueTextEquals("room"u8) ? String(ref r, out room)
                : r.ValueTextEquals("body"u8) ? String(ref r, out body)
                : r.ValueTextEquals("sentAt"u8) ? NullableInt(ref r, out sentAt, allowNull: false)
                : r.ValueTextEquals("basis"u8) ? Int(ref r, out basis)
                : r.ValueTextEquals("meta"u8) ? Meta(ref r, out meta)
                : Skip(ref r);
            if (!ok)
            {
                return null;
            }
        }

        if (!AtEnd(ref r) || id is null || room is null || body is null || seq is not { } s || sentAt is not { } sa)
        {
            return null;
        }

        return new SendFrame { Id = id, Seq = s, Room = room, Body = body, SentAt = sa, Basis = basis, Meta = meta };
    }

    private static AckFrame? ReadAck(ReadOnlySpan<byte> json)
    {
        var r = Open(json);
        string? id = null, room = null;
        long? seq = null, roomSeq = null;
        var dup = false;
        while (NextProperty(ref r))
        {
            var ok =
                r.ValueTextEquals("id"u8) ? String(ref r, out id)
                : r.ValueTextEquals("seq"u8) ? NullableInt(ref r, out seq, allowNull: false)
                : r.ValueTextEquals("room"u8) ? String(ref r, out room)
                : r.ValueTextEquals("roomSeq"u8) ? NullableInt(ref r, out roomSeq, allowNull: true)
                : r.ValueTextEquals("dup"u8) ? Bool(ref r, out dup)
                : Skip(ref r);
            if (!ok)
            {
                return null;
            }
        }

        if (!AtEnd(ref r) || id is null || room is null || seq is not { } s)
        {
            return null;
        }

        return new AckFrame { Id = id, Seq = s, Room = room, RoomSeq = roomSeq, Dup = dup };
    }

    private static PageFrame? ReadPage(ReadOnlySpan<byte> json)
    {
        var r = Open(json);
        string? room = null, rid = null;
        List<MsgFrame>? msgs = null;
        long head = 0;
        var more = false;
        while (NextProperty(ref r))
        {
            var ok =
                r.ValueTextEquals("room"u8) ? String(ref r, out room)
                : r.ValueTextEquals("msgs"u8) ? Msgs(ref r, out msgs)
                : r.ValueTextEquals("head"u8) ? Int(ref r, out head)
                : r.ValueTextEquals("more"u8) ? Bool(ref r, out more)
                : r.ValueTextEquals("rid"u8) ? NullableString(ref r, out rid)
                : Skip(ref r);
            if (!ok)
            {
                return null;
            }
        }

        // A page without msgs is refused by the generic path (its source-generated constructor leaves it null).
        if (!AtEnd(ref r) || room is null || msgs is null)
        {
            return null;
        }

        return new PageFrame { Room = room, Msgs = msgs, Head = head, More = more, Rid = rid };
    }

    private static bool Msgs(ref Utf8JsonReader r, out List<MsgFrame>? msgs)
    {
        r.Read();
        msgs = null;
        if (r.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        var list = new List<MsgFrame>();
        while (r.Read() && r.TokenType == JsonTokenType.StartObject)
        {
            if (ReadMsgBody(ref r) is not { } msg)
            {
                return false;
            }

            list.Add(msg);
        }

        msgs = list;
        return r.TokenType == JsonTokenType.EndArray;
    }

    private static bool NullableString(ref Utf8JsonReader r, out string? value)
    {
        r.Read();
        value = r.TokenType == JsonTokenType.String ? r.GetString() : null;
        return r.TokenType is JsonTokenType.String or JsonTokenType.Null;
    }

    /// <summary>A reader positioned after <c>"t":"…"</c>, the first property.</summary>
    private static Utf8JsonReader Open(ReadOnlySpan<byte> json)
    {
        var r = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        r.Read(); // {
        r.Read(); // "t"
        r.Read(); // its value
        return r;
    }

    /// <summary>Moves to the next property name; false at the end of the top-level object.</summary>
    private static bool NextProperty(ref Utf8JsonReader r)
    {
        r.Read();
        if (r.TokenType == JsonTokenType.EndObject)
        {
            return false;
        }

        // A second "t" could name another type: only the generic path may judge that.
        return r.TokenType == JsonTokenType.PropertyName && !r.ValueTextEquals("t"u8)
            ? true
            : throw new FormatException("not a plain top-level property");
    }

    /// <summary>True when nothing but whitespace follows the object.</summary>
    private static bool AtEnd(ref Utf8JsonReader r) => r.CurrentDepth == 0 && !r.Read();

    private static bool String(ref Utf8JsonReader r, out string? value)
    {
        r.Read();
        value = r.TokenType == JsonTokenType.String ? r.GetString() : null;
        return value is not null;
    }

    private static bool Int(ref Utf8JsonReader r, out long value)
    {
        r.Read();
        value = 0;
        return r.TokenType == JsonTokenType.Number && r.TryGetInt64(out value);
    }

    private static bool NullableInt(ref Utf8JsonReader r, out long? value, bool allowNull)
    {
        r.Read();
        value = null;
        if (r.TokenType == JsonTokenType.Null)
        {
            return allowNull;
        }

        if (r.TokenType == JsonTokenType.Number && r.TryGetInt64(out var v))
        {
            value = v;
            return true;
        }

        return false;
    }

    private static bool Bool(ref Utf8JsonReader r, out bool value)
    {
        r.Read();
        value = r.TokenType == JsonTokenType.True;
        return r.TokenType is JsonTokenType.True or JsonTokenType.False;
    }

    private static bool Meta(ref Utf8JsonReader r, out IReadOnlyDictionary<string, string>? meta)
    {
        r.Read();
        meta = null;
        if (r.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var map = new Dictionary<string, string>();
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var key = r.GetString()!;
            r.Read();
            if (r.TokenType != JsonTokenType.String)
            {
                return false;
            }

            map[key] = r.GetString()!;
        }

        meta = map;
        return r.TokenType == JsonTokenType.EndObject;
    }

    private static bool Skip(ref Utf8JsonReader r)
    {
        r.Read();
        r.Skip();
        return true;
    }
}
