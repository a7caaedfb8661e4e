using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Tests.Invariants;

/// <summary>A clean synthetic run: rooms × members × messages per room, every message delivered to every member.</summary>
internal static class LargeHistory
{
    public static List<HistoryEvent> Build(int rooms, int members, int messagesPerRoom)
    {
        var events = new List<HistoryEvent>(rooms * messagesPerRoom * (members + 2) + (rooms * members * 2));
        var senderSeq = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var r = 0; r < rooms; r++)
        {
            var room = $"room-{r}";
            var clients = Enumerable.Range(0, members).Select(m => $"c{r}-{m}").ToArray();
            foreach (var c in clients)
            {
                events.Add(new MembershipEvent { AtMs = 0, ClientId = c, UserId = "u-" + c, Room = room, Member = true });
                events.Add(new JoinedEvent { AtMs = 1, ClientId = c, Room = room, Epoch = 1 });
            }

            for (var s = 1; s <= messagesPerRoom; s++)
            {
                var sender = clients[s % members];
                var seq = senderSeq[sender] = senderSeq.GetValueOrDefault(sender) + 1;
                var id = $"{sender}-{seq}";
                var at = 10L + (s * 10);
                events.Add(new SendAcceptedEvent { AtMs = at, ClientId = sender, UserId = "u-" + sender, MessageId = id, Seq = seq, Room = room, IntendedAtMs = at });
                events.Add(new AckedEvent { AtMs = at + 2, ClientId = sender, MessageId = id, Seq = seq, Room = room, RoomSeq = s });
                foreach (var reader in clients)
                {
                    events.Add(new DeliveredEvent
                    {
                        AtMs = at + 3, ClientId = reader, Room = room, Epoch = 1, RoomSeq = s, MessageId = id,
                        SenderClientId = sender, SenderUserId = "u-" + sender, SenderSeq = seq, ServerAtMs = at + 1,
                    });
                }
            }
        }

        return events;
    }
}
