using System.Text.Json;

namespace ChatResilience.Protocol;

/// <summary>
/// What a tolerant scan of an invalid frame could still read: its type, rid, and a send's id and seq —
/// enough to answer it with the right <c>error</c> or settle it with a <c>nack</c>.
/// </summary>
internal readonly record struct FrameSalvage(string? Type, string? Rid, string? Id, long? Seq)
{
    public static FrameSalvage Scan(ReadOnlySpan<byte> utf8Json)
    {
        string? type = null, rid = null, id = null;
        long? seq = null;
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                var isType = name.SequenceEqual("t"u8);
                var isRid = name.SequenceEqual("rid"u8);
                var isId = name.SequenceEqual("id"u8);
                var isSeq = name.SequenceEqual("seq"u8);
                if (!reader.Read())
                {
                    break;
                }

                if (reader.TokenType == JsonTokenType.String && (isType || isRid || isId))
                {
                    var value = reader.ValueSpan.Length <= 256 ? reader.GetString() : null;
                    if (isType)
                    {
                        type = value;
                    }
                    else if (isRid)
                    {
                        rid = value;
                    }
                    else
                    {
                        id = value;
                    }
                }
                else if (isSeq && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var s))
                {
                    seq = s;
                }
                else
                {
                    reader.TrySkip();
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            // A broken document: keep what was read before the break.
        }

        return new FrameSalvage(type, rid, id, seq);
    }
}
