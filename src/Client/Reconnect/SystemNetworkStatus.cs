using System.Net.NetworkInformation;

namespace ChatResilience.Client.Reconnect;

/// <summary>The default <see cref="INetworkStatus"/>: <see cref="NetworkChange"/> of the operating system.</summary>
public sealed class SystemNetworkStatus : INetworkStatus, IDisposable
{
    private static readonly Lazy<SystemNetworkStatus> SharedInstance = new(() => new SystemNetworkStatus());
    private readonly Lock _gate = new();
    private Action<bool>? _handlers;

    /// <summary>One process-wide instance (one OS subscription however many clients run).</summary>
    public static SystemNetworkStatus Shared => SharedInstance.Value;

    public SystemNetworkStatus() => NetworkChange.NetworkAvailabilityChanged += OnChanged;

    /// <inheritdoc />
    public bool IsAvailable => NetworkInterface.GetIsNetworkAvailable();

    /// <inheritdoc />
    public event Action<bool>? AvailabilityChanged
    {
        add
        {
            lock (_gate)
            {
                _handlers += value;
            }
        }

        remove
        {
            lock (_gate)
            {
                _handlers -= value;
            }
        }
    }

    /// <summary>Unsubscribes from the operating system.</summary>
    public void Dispose() => NetworkChange.NetworkAvailabilityChanged -= OnChanged;

    private void OnChanged(object? sender, NetworkAvailabilityEventArgs e) => Volatile.Read(ref _handlers)?.Invoke(e.IsAvailable);
}
