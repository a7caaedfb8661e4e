namespace ChatResilience.Client.Reconnect;

/// <summary>A network that never changes: for servers, the simulator's many clients, and tests.</summary>
public sealed class AlwaysAvailableNetworkStatus : INetworkStatus
{
    /// <summary>The shared instance.</summary>
    public static AlwaysAvailableNetworkStatus Instance { get; } = new();

    /// <inheritdoc />
    public bool IsAvailable => true;

    /// <inheritdoc />
    public event Action<bool>? AvailabilityChanged
    {
        add { }
        remove { }
    }
}
