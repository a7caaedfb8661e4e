using ChatResilience.Chaos.Faults;
using ChatResilience.Simulator.Workloads;

namespace ChatResilience.Simulator.Load;

/// <summary>
/// The clients a load run drives — the seam between the ramp/send schedule (<see cref="LoadRunner"/>) and where
/// the clients live. <see cref="LocalLoadFleet"/> holds them in this process; a sharded fleet would forward the
/// same calls to worker processes.
/// </summary>
internal interface ILoadFleet : IAsyncDisposable
{
    /// <summary>Clients connected now.</summary>
    int Connected { get; }

    /// <summary>Injector of the group proxies' network faults.</summary>
    IFaultInjector Injector { get; }

    /// <summary>The server's <c>/metrics</c> URL, when there is one to scrape.</summary>
    Uri? MetricsUri { get; }

    /// <summary>True when the server runs in this process (its CPU and memory are this process's, in part).</summary>
    bool ServerInProcess { get; }

    /// <summary>Connects and drops one throwaway client before the ramp (warm-up); returns why it failed, or null.</summary>
    Task<string?> WarmUpAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Connects client <paramref name="index"/> and joins its rooms, within <paramref name="timeout"/>.</summary>
    Task ConnectAsync(int index, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>True once the client has joined its rooms.</summary>
    bool IsJoined(int index);

    /// <summary>The client composes <paramref name="send"/>, meant for <paramref name="intendedAtMs"/> (recorder time).</summary>
    Task ComposeAsync(PlannedSend send, long intendedAtMs, CancellationToken cancellationToken = default);
}
