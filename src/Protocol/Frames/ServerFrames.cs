using System.Text.Json.Serialization;
using ChatResilience.Protocol.Validation;

namespace ChatResilience.Protocol.Frames;

/// <summary>The per-connection rate limit announced in <c>welcome</c>.</summary>
public sealed record RateLimitInfo
{
    public double PerSecond { get; init; }
    public int Burst { get; init; }
}

/// <summary>The log retention announced in <c>welcome</c>.</summary>
public sealed record RetentionInfo
{
    public long Messages { get; init; }
    public long AgeMs { get; init; }
}

/// <summary>A range of room seqs no longer available (past retention).</summary>
public sealed record SeqGap
{
    public long From { get; init; }
    public long To { get; init; }
}

/// <summary>Answer to <c>hello</c>: everything the client must respect.</summary>
public sealed record WelcomeFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Welcome;
    [JsonPropertyName("v")] public int Version { get; init; } = ProtocolConstants.Version;
    public required string SessionId { get; init; }
    public required string UserId { get; init; }
    public long ServerTime { get; init; }
    public long HeartbeatMs { get; init; }
    public int MaxFrameBytes { get; init; }
    public int MaxBodyBytes { get; init; }
    public IReadOnlyList<string> Codecs { get; init; } = [];
    public int MaxInFlight { get; init; }
    public RateLimitInfo RateLimit { get; init; } = new();
    public RetentionInfo Retention { get; init; } = new();
    public long MaxOfflineAgeMs { get; init; }
    public int HistoryMaxLimit { get; init; }

    internal override void Validate(in FieldValidator v)
    {
        v.Id("sessionId", SessionId);
        v.Text("userId", UserId, ProtocolConstants.MaxIdChars);
        v.Integer("serverTime", ServerTime);
        v.Integer("heartbeatMs", HeartbeatMs);
        v.Integer("maxOfflineAgeMs", MaxOfflineAgeMs);
        v.NotNull("codecs", Codecs);
        v.NotNull("rateLimit", RateLimit);
        v.NotNull("retention", Retention);
    }
}

/// <summary>Membership is live; <c>from..head</c> follows as <c>msg</c> frames.</summary>
public sealed record JoinedFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Joined;
    public required string Room { get; init; }
    public long Epoch { get; init; }
    public long Head { get; init; }
    public long From { get; init; }
    public bool Recovered { get; init; } = true;
    public SeqGap? Gap { get; init; }
    public bool? Reset { get; init; }
    public long? Read { get; init; }
    public string? Rid { get; init; }

    internal override void Validate(in FieldValidator v)
    {
        v.Room("room", Room);
        v.Integer("epoch", Epoch);
        v.Integer("head", Head);
        v.Integer("from", From);
        v.OptionalInteger("read", Read);
        v.OptionalId("rid", Rid);
    }
}

/// <summary>Membership ended by someone else (<c>code</c>: left, removed, room_deleted).</summary>
public sealed record LeftFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Left;
    public required string Room { get; init; }
    public required string Code { get; init; }
    public string? Rid { get; init; }

    internal override void Validate(in FieldValidator v)
    {
        v.Room("room", Room);
        v.Text("code", Code, ProtocolConstants.MaxIdChars);
        v.OptionalId("rid", Rid);
    }
}

/// <summary>A stored message (PROTOCOL.md §5).</summary>
public sealed record MsgFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Msg;
    public required string Room { get; init; }
    public long Epoch { get; init; }
    public required long Seq { get; init; }
    public required string Id { get; init; }
    public required string From { get; init; }
    public required string ClientId { get; init; }
    public long ClientSeq { get; init; }
    public required string Body { get; init; }
    public long SentAt { get; init; }
    public long Basis { get; init; }
    public long At { get; init; }
    public IReadOnlyDictionary<string, string>? Meta { get; init; }

    internal override void Validate(in FieldValidator v)
    {
        v.Room("room", Room);
        v.Integer("epoch", Epoch);
        v.Integer("seq", Seq);
        v.Id("id", Id);
        v.Text("from", From, ProtocolConstants.MaxIdChars);
        v.Id("clientId", ClientId);
        v.Integer("clientSeq", ClientSeq);
        v.Body("body", Body);
        v.Integer("sentAt", SentAt);
        v.Integer("basis", Basis);
        v.Integer("at", At);
        v.Meta("meta", Meta);
    }
}

/// <summary>The send is stored (or was already: <c>dup</c>).</summary>
public sealed record AckFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Ack;
    public required string Id { get; init; }
    public required long Seq { get; init; }
    public required string Room { get; init; }
    public long? RoomSeq { get; init; }
    public bool Dup { get; init; }

    internal override void Validate(in FieldValidator v)
    {
        v.Id("id", Id);
        v.Integer("seq", Seq);
        v.Room("room", Room);
        v.OptionalInteger("roomSeq", RoomSeq);
    }
}

/// <summary>The send was refused (PROTOCOL.md §7).</summary>
public sealed record NackFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Nack;
    public required string Id { get; init; }
    public required long Seq { get; init; }
    public required string Code { get; init; }
    public string Reason { get; init; } = "";
    public bool Retryable { get; init; }
    public long? RetryAfterMs { get; init; }
    public long? ExpectedSeq { get; init; }

    internal override void Validate(in FieldValidator v)
    {
        v.Text("id", Id, ProtocolConstants.MaxIdChars);
        v.Integer("seq", Seq);
        v.Text("code", Code, ProtocolConstants.MaxIdChars);
        v.OptionalInteger("retryAfterMs", RetryAfterMs);
        v.OptionalInteger("expectedSeq", ExpectedSeq);
        v.NotNull("reason", Reason);
    }
}

/// <summary>Answer to <c>history</c>.</summary>
public sealed record PageFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Page;
    public required string Room { get; init; }
    public IReadOnlyList<MsgFrame> Msgs { get; init; } = [];
    public long Head { get; init; }
    public bool More { get; init; }
    public string? Rid { get; init; }

    internal override void Validate(in FieldValidator v)
    {
        v.Room("room", Room);
        v.Integer("head", Head);
        v.OptionalId("rid", Rid);
        v.NotNull("msgs", Msgs);
        foreach (var m in Msgs)
        {
            if (m is null)
            {
                v.Fail("msgs", "null entry");
            }

            m.Validate(v);
        }
    }
}

/// <summary>Token refresh accepted.</summary>
public sealed record AuthedFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Authed;
    public long Exp { get; init; }
    public string? Rid { get; init; }

    internal override void Validate(in FieldValidator v)
    {
        v.Integer("exp", Exp);
        v.OptionalId("rid", Rid);
    }
}

/// <summary>A problem with one frame that is not a <c>send</c>; <c>ref</c> is its <c>rid</c>.</summary>
public sealed record ErrorFrame : Frame
{
    [JsonIgnore] public override string Type => FrameTypes.Error;
    public required string Code { get; init; }
    public string Message { get; init; } = "";
    public string? Ref { get; init; }

    internal override void Validate(in FieldValidator v)
    {
        v.Text("code", Code, ProtocolConstants.MaxIdChars);
        v.NotNull("message", Message);
    }
}
