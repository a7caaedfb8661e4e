using ChatResilience.Client;
using ChatResilience.Client.Reconnect;
using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Harness;

/// <summary>What every virtual client of a run shares.</summary>
internal sealed record VirtualClientContext
{
    public required RunHistoryRecorder Recorder { get; init; }
    public required RunCounters Counters { get; init; }
    public required TimeProvider Time { get; init; }
    public required IChatTarget Target { get; init; }
    public required Func<string, Uri> ServerUriForGroup { get; init; }
    public required ReconnectOptions Reconnect { get; init; }
    public int? OutboxCapacity { get; init; }
    public required ClientBugSwitches Bugs { get; init; }
    public required int Seed { get; init; }
    public required CancellationToken RunStopping { get; init; }

    /// <summary>Background work (slow readers, crash restarts) whose failures must not vanish.</summary>
    public required Action<Task, string> Observe { get; init; }

    public IHistoryRecorder History => Recorder;
}
