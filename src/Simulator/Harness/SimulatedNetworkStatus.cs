using ChatResilience.Client.Reconnect;

namespace ChatResilience.Simulator.Harness;

/// <summary>One device's network, switched by the harness for offline periods (the client keeps composing).</summary>
internal sealed class SimulatedNetworkStatus : INetworkStatus
{
    private volatile bool _available = true;

    public bool IsAvailable => _available;

    public event Action<bool>? AvailabilityChanged;

    public void Set(bool available)
    {
        if (_available != available)
        {
            _available = available;
            AvailabilityChanged?.Invoke(available);
        }
    }
}
