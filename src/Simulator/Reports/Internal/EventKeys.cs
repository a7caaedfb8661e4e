using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Reports.Internal;

/// <summary>The client and room an event concerns, if any (for slicing a history around a violation).</summary>
internal static class EventKeys
{
    public static string? ClientOf(HistoryEvent e) => e switch
    {
        ConnectAttemptEvent x => x.ClientId,
        ConnectionClosedEvent x => x.ClientId,
        SendAcceptedEvent x => x.ClientId,
        SendRefusedEvent x => x.ClientId,
        AckedEvent x => x.ClientId,
        FailedEvent x => x.ClientId,
        WireNackEvent x => x.ClientId,
        DeliveredEvent x => x.ClientId,
        JoinedEvent x => x.ClientId,
        LeftEvent x => x.ClientId,
        MembershipEvent x => x.ClientId,
        HarnessEvent x => x.ClientId,
        WireGapEvent x => x.ClientId,
        _ => null,
    };

    public static string? RoomOf(HistoryEvent e) => e switch
    {
        SendAcceptedEvent x => x.Room,
        SendRefusedEvent x => x.Room,
        AckedEvent x => x.Room,
        DeliveredEvent x => x.Room,
        JoinedEvent x => x.Room,
        LeftEvent x => x.Room,
        MembershipEvent x => x.Room,
        HarnessEvent x => x.Room,
        WireGapEvent x => x.Room,
        _ => null,
    };
}
