using System.Threading.Channels;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Client.Session;

/// <summary>One live connection's state; discarded when it ends, so nothing leaks into the next one.</summary>
internal sealed class ConnectionSession(IFrameConnection connection, FrameTranscoder transcoder, CancellationToken clientToken) : IDisposable
{
    private string? _localCloseReason;

    public IFrameConnection Connection { get; } = connection;

    public FrameTranscoder Transcoder { get; } = transcoder;

    public CancellationTokenSource Cts { get; } = CancellationTokenSource.CreateLinkedTokenSource(clientToken);

    /// <summary>Wakes the sender pump; one pending ring is enough.</summary>
    public Channel<bool> Doorbell { get; } = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public WelcomeFrame? Welcome { get; set; }

    /// <summary>The rooms resumed by this connection's <c>hello</c>.</summary>
    public IReadOnlyList<RoomCursor>? HelloRooms { get; set; }

    public long LastReceivedTimestamp;

    public long ConnectedTimestamp { get; set; }

    public int MaxInFlight { get; set; } = 1;

    public TimeSpan Heartbeat { get; set; }

    /// <summary>When the token should be refreshed (timestamp); 0 = not scheduled.</summary>
    public long RefreshAtTimestamp;

    public ITimer? Liveness { get; set; }

    public Task? Pump { get; set; }

    /// <summary>Why this side ended the connection (dead-connection detection), if it did.</summary>
    public string? LocalCloseReason => Volatile.Read(ref _localCloseReason);

    public void Ring() => Doorbell.Writer.TryWrite(true);

    /// <summary>Ends the connection from this side; the first reason wins.</summary>
    public void Kill(string reason)
    {
        if (Interlocked.CompareExchange(ref _localCloseReason, reason, null) is null)
        {
            try
            {
                Cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The session already ended (a late timer tick); nothing left to stop.
            }
        }
    }

    public void Dispose()
    {
        Liveness?.Dispose();
        Cts.Dispose();
    }
}
