using System.Text.Json.Serialization;

namespace ChatResilience.Protocol.Frames;

/// <summary>
/// One protocol frame: a JSON object whose <c>t</c> field names its type (PROTOCOL.md §4–5).
/// Frames are immutable; the codec dispatches on <c>t</c> through System.Text.Json polymorphism.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "t", IgnoreUnrecognizedTypeDiscriminators = false)]
[JsonDerivedType(typeof(HelloFrame), FrameTypes.Hello)]
[JsonDerivedType(typeof(JoinFrame), FrameTypes.Join)]
[JsonDerivedType(typeof(LeaveFrame), FrameTypes.Leave)]
[JsonDerivedType(typeof(SendFrame), FrameTypes.Send)]
[JsonDerivedType(typeof(CancelFrame), FrameTypes.Cancel)]
[JsonDerivedType(typeof(HistoryFrame), FrameTypes.History)]
[JsonDerivedType(typeof(ReadFrame), FrameTypes.Read)]
[JsonDerivedType(typeof(AuthFrame), FrameTypes.Auth)]
[JsonDerivedType(typeof(PingFrame), FrameTypes.Ping)]
[JsonDerivedType(typeof(PongFrame), FrameTypes.Pong)]
[JsonDerivedType(typeof(WelcomeFrame), FrameTypes.Welcome)]
[JsonDerivedType(typeof(JoinedFrame), FrameTypes.Joined)]
[JsonDerivedType(typeof(LeftFrame), FrameTypes.Left)]
[JsonDerivedType(typeof(MsgFrame), FrameTypes.Msg)]
[JsonDerivedType(typeof(AckFrame), FrameTypes.Ack)]
[JsonDerivedType(typeof(NackFrame), FrameTypes.Nack)]
[JsonDerivedType(typeof(PageFrame), FrameTypes.Page)]
[JsonDerivedType(typeof(AuthedFrame), FrameTypes.Authed)]
[JsonDerivedType(typeof(ErrorFrame), FrameTypes.Error)]
public abstract record Frame
{
    /// <summary>The wire value of <c>t</c> for this frame.</summary>
    [JsonIgnore]
    public abstract string Type { get; }

    /// <summary>Checks every field against PROTOCOL.md §2; throws <see cref="ProtocolException"/>.</summary>
    internal abstract void Validate(in Validation.FieldValidator v);
}
