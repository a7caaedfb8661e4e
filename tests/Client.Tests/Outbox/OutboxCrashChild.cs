using ChatResilience.Client.Outbox;

namespace ChatResilience.Client.Tests.Outbox;

/// <summary>
/// The child side of the SIGKILL test: appends and settles as fast as it can, printing each operation
/// only after its task completed (i.e. after the store said it is durable), until it is killed.
/// </summary>
internal static class OutboxCrashChild
{
    public static async Task RunAsync(string path)
    {
        var store = SqliteOutboxStore.Open(new SqliteOutboxOptions { Path = path });
        var output = Console.Out;
        var n = 0;
        while (true)
        {
            var batch = Enumerable.Range(0, 8).Select(_ => store.AppendAsync(new OutboxDraft("id-" + Interlocked.Increment(ref n), "room", "body", null, 0, 0), int.MaxValue).AsTask()).ToList();
            foreach (var entry in await Task.WhenAll(batch))
            {
                await output.WriteLineAsync($"A {entry.Seq} {entry.Id} .");
                if (entry.Seq % 3 == 0)
                {
                    // Announced first: a settle cut short by the kill may or may not have committed.
                    await output.WriteLineAsync($"P {entry.Seq} .");
                    await output.FlushAsync();
                    await store.SettleAsync(entry.Seq);
                    await output.WriteLineAsync($"S {entry.Seq} .");
                }
            }

            await output.FlushAsync();
        }
    }
}
