using System.Text.Json.Serialization;
using ChatResilience.Protocol.Validation;

namespace ChatResilience.Protocol.Frames;

/// <summary>A room the client resumes in <c>hello.rooms</c>: its epoch and the highest contiguous seq it holds.</summary>
public sealed record RoomCursor
{
    public required string Room { get; init; }
    public long Epoch { get; init; }
    public long After { get; init; }
}

/// <summary>First frame of a connection (PROTOCOL.md §1, §4).</summary>
public sealed record HelloFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Hello;
    [JsonPropertyName("v")] public int Version { get; init; } = ProtocolConstants.Version;
    public required string ClientId { get; init; }
    public string? Token { get; init; }
    public IReadOnlyList<string>? Codecs { get; init; }
    public IReadOnlyList<RoomCursor>? Rooms { get; init; }
    public string? Rid { get; init; }

    internal override void Validate(in FieldValidator v)
    {
        if (Version != ProtocolConstants.Version)
        {
            v.Fail("v", $"unsupported protocol version {Version}; this server speaks {ProtocolConstants.Version}");
        }

        v.Id("clientId", ClientId);
        v.OptionalId("rid", Rid);
        if (Token is { Length: > ProtocolConstants.MaxTokenChars })
        {
            v.Fail("token", $"longer than {ProtocolConstants.MaxTokenChars} chars");
        }

        if (Codecs is { Count: > 16 })
        {
            v.Fail("codecs", "more than 16 entries");
        }

        if (Rooms is not null)
        {
            if (Rooms.Count > ProtocolConstants.MaxRoomsPerHello)
            {
                v.Fail("rooms", $"more than {ProtocolConstants.MaxRoomsPerHello} entries");
            }

            foreach (var r in Rooms)
            {
                if (r is null)
                {
                    v.Fail("rooms", "null entry");
                }

                v.Room("rooms[].room", r!.Room);
                v.Integer("rooms[].epoch", r.Epoch);
                v.Integer("rooms[].after", r.After);
            }
        }
    }
}

/// <summary>Subscribe to a room and become a member; the server replays <c>after+1 .. head</c>.</summary>
public sealed record JoinFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Join;
    public required string Room { get; init; }
    public long? Epoch { get; init; }
    public long? After { get; init; }
    public string? Rid { get; init; }

    internal override void Validate(in FieldValidator v)
    {
        v.Room("room", Room);
        v.OptionalInteger("epoch", Epoch);
        v.OptionalInteger("after", After);
        v.OptionalId("rid", Rid);
    }
}

/// <summary>Stop being a member of a room.</summary>
public sealed record LeaveFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Leave;
    public required string Room { get; init; }
    public string? Rid { get; init; }

    internal override void Validate(in FieldValidator v)
    {
        v.Room("room", Room);
        v.OptionalId("rid", Rid);
    }
}

/// <summary>Publish a message (PROTOCOL.md §4, §6.1).</summary>
public sealed record SendFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Send;
    public required string Id { get; init; }
    public required long Seq { get; init; }
    public required string Room { get; init; }
    public required string Body { get; init; }
    public required long SentAt { get; init; }
    public long Basis { get; init; }
    public IReadOnlyDictionary<string, string>? Meta { get; init; }

    internal override void Validate(in FieldValidator v)
    {
        v.Id("id", Id);
        v.Integer("seq", Seq);
        if (Seq == 0)
        {
            v.Fail("seq", "must be at least 1");
        }

        v.Room("room", Room);
        v.Body("body", Body);
        v.Integer("sentAt", SentAt);
        v.Integer("basis", Basis);
        v.Meta("meta", Meta);
    }
}

/// <summary>Give up an unsettled send; settled as <c>nack expired</c>.</summary>
public sealed record CancelFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Cancel;
    public required long Seq { get; init; }

    internal override void Validate(in FieldValidator v) => v.Integer("seq", Seq);
}

/// <summary>Ask for a page of stored messages with seq &gt; <c>after</c>.</summary>
public sealed record HistoryFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.History;
    public required string Room { get; init; }
    public long After { get; init; }
    public required int Limit { get; init; }
    public string? Rid { get; init; }

    internal override void Validate(in FieldValidator v)
    {
        v.Room("room", Room);
        v.Integer("after", After);
        if (Limit < 1 || Limit > v.Limits.HistoryMaxLimit)
        {
            v.Fail("limit", $"must be 1..{v.Limits.HistoryMaxLimit}");
        }

        v.OptionalId("rid", Rid);
    }
}

/// <summary>The user has seen the room up to <c>seq</c>.</summary>
public sealed record ReadFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Read;
    public required string Room { get; init; }
    public required long Seq { get; init; }
    public string? Rid { get; init; }

    internal override void Validate(in FieldValidator v)
    {
        v.Room("room", Room);
        v.Integer("seq", Seq);
        v.OptionalId("rid", Rid);
    }
}

/// <summary>In-band token refresh, answered by <c>authed</c>.</summary>
public sealed record AuthFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Auth;
    public required string Token { get; init; }
    public string? Rid { get; init; }

    internal override void Validate(in FieldValidator v)
    {
        if (Token.Length is 0 or > ProtocolConstants.MaxTokenChars)
        {
            v.Fail("token", $"must be 1..{ProtocolConstants.MaxTokenChars} chars");
        }

        v.OptionalId("rid", Rid);
    }
}

/// <summary>Heartbeat, either direction; answered by a <c>pong</c> with the same <c>ts</c>.</summary>
public sealed record PingFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Ping;
    public long Ts { get; init; }

    internal override void Validate(in FieldValidator v) => v.Integer("ts", Ts);
}

/// <summary>Answer to a <c>ping</c>.</summary>
public sealed record PongFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Pong;
    public long Ts { get; init; }

    internal override void Validate(in FieldValidator v) => v.Integer("ts", Ts);
}
