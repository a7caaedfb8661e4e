namespace ChatResilience.Client;

/// <summary>Messages <c>from..to</c> of a room are past retention and will never arrive (<c>recovered:false</c>).</summary>
public sealed record RoomGap(string Room, long Epoch, long From, long To);

/// <summary>The room was recreated or the client's cursor was ahead: local state for it is void from <c>From</c> on.</summary>
public sealed record RoomReset(string Room, long Epoch, long From, long Head);

/// <summary>A message composed offline (or any provisional one) got its canonical room place.</summary>
public sealed record ProvisionalMove(string Id, long Seq, string Room, long? RoomSeq, bool ComposedOffline);

/// <summary>A reconnect attempt is scheduled after <paramref name="Delay"/>.</summary>
public sealed record ReconnectScheduled(TimeSpan Delay, int Attempt, string Reason, int? CloseCode);

/// <summary>Membership of a room ended (<c>left</c>), with its code.</summary>
public sealed record RoomLeft(string Room, string Code);

/// <summary>A send that was finally refused.</summary>
public sealed record SendFailure(string Id, long Seq, string Room, string Code, string Reason);
