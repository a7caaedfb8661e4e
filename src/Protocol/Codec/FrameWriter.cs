using System.Text.Json;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Protocol.Codec;

/// <summary>
/// Hand-written writers for the hottest frames (<c>msg</c>, <c>send</c>, <c>ack</c>, <c>page</c>). System.Text.Json's
/// polymorphic path allocates its stack of frames (~300 B) on every call; these write the same bytes
/// (same property order, same encoder) with no allocation at all. Tests compare them with the generic path.
/// </summary>
internal static class FrameWriter
{
    public static bool TryWrite(Utf8JsonWriter writer, Frame frame)
    {
        switch (frame)
        {
            case MsgFrame m:
                Write(writer, m);
                return true;
            case SendFrame s:
                Write(writer, s);
                return true;
            case AckFrame a:
                Write(writer, a);
                return true;
            case PageFrame p:
                Write(writer, p);
                return true;
            default:
                return false;
        }
    }

    private static void Write(Utf8JsonWriter w, MsgFrame m, bool tagged = true)
    {
        w.WriteStartObject();
        if (tagged)
        {
            w.WriteString("t"u8, FrameTypes.Msg);
        }

        w.WriteString("room"u8, m.Room);
        w.WriteNumber("epoch"u8, m.Epoch);
        w.WriteNumber("seq"u8, m.Seq);
        w.WriteString("id"u8, m.Id);
        w.WriteString("from"u8, m.From);
        w.WriteString("clientId"u8, m.ClientId);
        w.WriteNumber("clientSeq"u8, m.ClientSeq);
        w.WriteString("body"u8, m.Body);
        w.WriteNumber("sentAt"u8, m.SentAt);
        w.WriteNumber("basis"u8, m.Basis);
        w.WriteNumber("at"u8, m.At);
        WriteMeta(w, m.Meta);
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, SendFrame s)
    {
        w.WriteStartObject();
        w.WriteString("t"u8, FrameTypes.Send);
        w.WriteString("id"u8, s.Id);
        w.WriteNumber("seq"u8, s.Seq);
        w.WriteString("room"u8, s.Room);
        w.WriteString("body"u8, s.Body);
        w.WriteNumber("sentAt"u8, s.SentAt);
        w.WriteNumber("basis"u8, s.Basis);
        WriteMeta(w, s.Meta);
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, AckFrame a)
    {
        w.WriteStartObject();
        w.WriteString("t"u8, FrameTypes.Ack);
        w.WriteString("id"u8, a.Id);
        w.WriteNumber("seq"u8, a.Seq);
        w.WriteString("room"u8, a.Room);
        if (a.RoomSeq is { } roomSeq)
        {
            w.WriteNumber("roomSeq"u8, roomSeq);
        }

        w.WriteBoolean("dup"u8, a.Dup);
        w.WriteEndObject();
    }

    // page.msgs entries carry no "t": their type is implied by the field, as the generic path writes them.
    private static void Write(Utf8JsonWriter w, PageFrame p)
    {
        w.WriteStartObject();
        w.WriteString("t"u8, FrameTypes.Page);
        w.WriteString("room"u8, p.Room);
        w.WritePropertyName("msgs"u8);
        w.WriteStartArray();
        if (p.Msgs is MsgFrame[] array)
        {
            foreach (var m in array)
            {
                Write(w, m, tagged: false);
            }
        }
        else
        {
            for (var i = 0; i < p.Msgs.Count; i++)
            {
                Write(w, p.Msgs[i], tagged: false);
            }
        }

        w.WriteEndArray();
        w.WriteNumber("head"u8, p.Head);
        w.WriteBoolean("more"u8, p.More);
        if (p.Rid is not null)
        {
            w.WriteString("rid"u8, p.Rid);
        }

        w.WriteEndObject();
    }

    private static void WriteMeta(Utf8JsonWriter w, IReadOnlyDictionary<string, string>? meta)
    {
        if (meta is null)
        {
            return;
        }

        w.WritePropertyName("meta"u8);
        w.WriteStartObject();
        if (meta is Dictionary<string, string> dictionary)
        {
            // The concrete type's struct enumerator: no allocation for the common case.
            foreach (var (key, value) in dictionary)
            {
                w.WriteString(key, value);
            }
        }
        else
        {
            foreach (var (key, value) in meta)
            {
                w.WriteString(key, value);
            }
        }

        w.WriteEndObject();
    }
}
