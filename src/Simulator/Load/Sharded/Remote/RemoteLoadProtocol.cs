namespace ChatResilience.Simulator.Load.Sharded.Remote;

// The HTTP protocol between a sharded load run's coordinator and load processes it did not start
// (`chatsim load --external-processes N` and `chatsim load-process --coordinator URL`). JSON, camelCase
// (RemoteLoadJsonContext); every 4xx carries a Sharding.ProtocolError naming the problem. Endpoints in Sharding/README.md.

/// <summary><c>POST /v1/load/register</c>: a load process asks for a share of the run.</summary>
/// <param name="ProtocolVersion">Must be <see cref="RemoteLoadProtocol.Version"/>.</param>
/// <param name="Instance">A fresh id per process, so a retried registration is recognised.</param>
/// <param name="Host">Machine name, for the coordinator's messages.</param>
/// <param name="Pid">Process id, likewise.</param>
public sealed record LoadRegisterRequest(int ProtocolVersion, string Instance, string Host, int Pid);

/// <summary>
/// The answer to a registration: which share (<c>I/N</c>), the scenario file's text (the process may not have the
/// file) and the rest of its <c>chatsim load</c> arguments, resolved by the coordinator so every process plans the same
/// run. <paramref name="Arguments"/> hold no scenario path and no <c>--out</c>: the process adds its own.
/// </summary>
public sealed record LoadAssignment(string Shard, string ScenarioJson, IReadOnlyList<string> Arguments);

/// <summary><c>GET /v1/load/clock</c>: the coordinator's wall clock, fractional ms since the Unix epoch.</summary>
public sealed record LoadClockReading(double UnixMs);

/// <summary>
/// <c>POST /v1/load/{i}/poll</c>, every half second from registration to the upload: the process's progress lines
/// since the last poll (its ready line among them), which also tell the coordinator it is alive, and once measured its
/// clock's offset to the coordinator's (<see cref="ProcessClock"/>); the last poll, after the share, also the offset
/// measured again then (<c>endClockOffsetMs</c>, <c>endClockUncertaintyMs</c>), which shows how far the clocks drifted.
/// </summary>
public sealed record LoadPoll(
    IReadOnlyList<string> Lines, double? ClockOffsetMs = null, double? ClockUncertaintyMs = null, double? EndClockOffsetMs = null, double? EndClockUncertaintyMs = null);

/// <summary>
/// The coordinator's standing orders, the answer to every poll (a lost answer is harmless): the ramp start on its
/// clock once every process is ready, and whether to stop early (as Ctrl-C: the process uploads what it has) or to
/// abort (the run is over without it: upload nothing).
/// </summary>
public sealed record LoadOrders(long? StartAtUnixMs, bool Stop, bool Abort);

/// <summary><c>POST /v1/load/{i}/failed</c>: the process could not run its share; the coordinator fails the run with this.</summary>
public sealed record LoadFailure(string Error);

/// <summary>Constants of the protocol.</summary>
public static class RemoteLoadProtocol
{
    /// <summary>Version a process registers with; the coordinator refuses any other with 400.</summary>
    public const int Version = 1;

    /// <summary>How often a process polls.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>A registered process not heard from for this long is lost: the run fails, naming it.</summary>
    public static readonly TimeSpan LostAfter = TimeSpan.FromSeconds(30);

    /// <summary>Lines one poll carries at most (the rest wait for the next).</summary>
    public const int MaxLinesPerPoll = 200;
}
