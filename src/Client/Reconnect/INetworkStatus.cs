namespace ChatResilience.Client.Reconnect;

/// <summary>Whether the device has a network; the client reconnects at once when it comes back.</summary>
public interface INetworkStatus
{
    /// <summary>True when a network is believed available.</summary>
    bool IsAvailable { get; }

    /// <summary>Raised with the new availability whenever it changes.</summary>
    event Action<bool>? AvailabilityChanged;
}
