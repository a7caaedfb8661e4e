using System.Net.NetworkInformation;

namespace ChatResilience.Client.Reconnect;

/// <summary>The default <see cref="INetworkStatus"/>: <see cref="NetworkChange"/> of the operating system.</summary>
public sealed class SystemNetworkStatus : INetworkStatus, IDisposable
{
    private Action<bool>? _handlers;

    public SystemNetworkStatus() => NetworkChange.NetworkAvailabilityChanged += OnChanged;

    /// <inheritdoc />
    public bool IsAvailable => NetworkInterface.GetIsNetworkAvailable();

    /// <inheritdoc />
    public event Action<bool>? AvailabilityChanged
    {
        add => _handlers += value;
        remove => _handlers -= value;
    }

    /// <summary>Unsubscribes from the operating system.</summary>
    public void Dispose() => NetworkChange.NetworkAvailabilityChanged -= OnChanged;

    private void OnChanged(object? sender, NetworkAvailabilityEventArgs e) => _handlers?.Invoke(e.IsAvailable);
}
