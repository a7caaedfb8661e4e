using ChatResilience.Protocol;
using ChatResilience.Protocol.Connections;
using ChatResilience.Protocol.Frames;
using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Harness;

/// <summary>
/// Wraps a client's live connection so the harness sees, independently of the client, how it closed
/// (<see cref="ConnectionClosedEvent"/>), every <c>nack</c> that arrived (<see cref="WireNackEvent"/>) and every
/// hole in a room's <c>msg</c> stream (<see cref="WireGapEvent"/>, via <see cref="WireSeqTracker"/>). Only frames
/// that start like a nack, msg, joined or left (and compressed ones, which could be any) are decoded; nothing is changed.
/// </summary>
internal sealed class RecordingFrameConnection : IFrameConnection
{
    private static readonly byte[] NackPrefix = "{\"t\":\"nack\""u8.ToArray();
    private static readonly byte[] WelcomePrefix = "{\"t\":\"welcome\""u8.ToArray();
    private static readonly byte[] MsgPrefix = "{\"t\":\"msg\""u8.ToArray();
    private static readonly byte[] JoinedPrefix = "{\"t\":\"joined\""u8.ToArray();
    private static readonly byte[] LeftPrefix = "{\"t\":\"left\""u8.ToArray();

    // Decodes with every codec the library has and a bound above any server's frame limit: the wrapper reads, it does not judge size.
    private readonly FrameTranscoder _decoder = new(FrameLimits.Default with { MaxFrameBytes = 16 * 1024 * 1024, MaxBodyBytes = 16 * 1024 * 1024 });
    private readonly WireSeqTracker _seqs = new();

    private readonly IFrameConnection _inner;
    private readonly string _clientId;
    private readonly IHistoryRecorder _recorder;
    private readonly Action<long?> _onClosed;
    private int _closeRecorded;
    private Action<bool>? _onSession;

    // onClosed is called once with the close's retry hint (ms), so the next attempt can carry it.
    // onSession is called once: true at the welcome (the session is established), false if it closed first.
    public RecordingFrameConnection(IFrameConnection inner, string clientId, IHistoryRecorder recorder, Action<long?> onClosed, Action<bool>? onSession = null)
    {
        _onSession = onSession;
        _inner = inner;
        _clientId = clientId;
        _recorder = recorder;
        _onClosed = onClosed;
    }

    public CloseInfo? CloseInfo => _inner.CloseInfo;

    public ValueTask SendAsync(WireMessage message, CancellationToken cancellationToken = default) =>
        _inner.SendAsync(message, cancellationToken);

    public async ValueTask<WireMessage?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        WireMessage? message;
        try
        {
            message = await _inner.ReceiveAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RecordClose(_inner.CloseInfo ?? new CloseInfo(CloseInfo.AbnormalClosure, e.GetType().Name, ClosedByPeer: true));
            throw;
        }

        if (message is null)
        {
            RecordClose(_inner.CloseInfo ?? new CloseInfo(CloseInfo.AbnormalClosure, null, ClosedByPeer: true));
        }
        else if (message.Value.IsBinary || StartsLikeObserved(message.Value.Payload.Span))
        {
            Observe(message.Value);
        }
        else if (_onSession is not null && !message.Value.IsBinary && message.Value.Payload.Span.StartsWith(WelcomePrefix))
        {
            Interlocked.Exchange(ref _onSession, null)?.Invoke(true);
        }

        return message;
    }

    public async ValueTask CloseAsync(int code, string? reason, CancellationToken cancellationToken = default)
    {
        await _inner.CloseAsync(code, reason, cancellationToken);
        RecordClose(_inner.CloseInfo ?? new CloseInfo(code, reason, ClosedByPeer: false));
    }

    /// <summary>Drops the connection as a dead network would (offline start, client crash).</summary>
    public async ValueTask AbortAsync(string reason)
    {
        RecordClose(new CloseInfo(CloseInfo.AbnormalClosure, reason, ClosedByPeer: true));
        await _inner.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync();
        RecordClose(_inner.CloseInfo ?? new CloseInfo(CloseInfo.AbnormalClosure, "disposed", ClosedByPeer: false));
    }

    private void RecordClose(CloseInfo info)
    {
        if (Interlocked.Exchange(ref _closeRecorded, 1) != 0)
        {
            return;
        }

        Interlocked.Exchange(ref _onSession, null)?.Invoke(false);
        var hint = CloseReasonHint.Parse(info.Reason);
        _recorder.Record(new ConnectionClosedEvent
        {
            AtMs = _recorder.NowMs,
            ClientId = _clientId,
            Code = info.Code,
            Reason = info.Reason,
            ByPeer = info.ClosedByPeer,
            HintMs = hint,
        });
        _onClosed(hint);
    }

    private void Observe(WireMessage message)
    {
        Frame frame;
        try
        {
            frame = _decoder.Decode(message);
        }
        catch (ProtocolException)
        {
            // Unreadable here: it may have been a msg, so this connection's streams can no longer be judged.
            _seqs.LostTrack();
            return;
        }

        switch (frame)
        {
            case JoinedFrame j:
                _seqs.Joined(j.Room, j.Epoch, j.From, j.Head);
                break;
            case LeftFrame l:
                _seqs.Left(l.Room);
                break;
            case MsgFrame m when _seqs.Msg(m.Room, m.Epoch, m.Seq) is { } gap:
                _recorder.Record(new WireGapEvent
                {
                    AtMs = _recorder.NowMs,
                    ClientId = _clientId,
                    Room = gap.Room,
                    Epoch = gap.Epoch,
                    Expected = gap.Expected,
                    Received = gap.Received,
                    JoinedFrom = gap.JoinedFrom,
                    JoinedHead = gap.JoinedHead,
                });
                break;
            case NackFrame nack:
                _recorder.Record(new WireNackEvent
                {
                    AtMs = _recorder.NowMs,
                    ClientId = _clientId,
                    MessageId = nack.Id,
                    Seq = nack.Seq,
                    Code = nack.Code,
                    Retryable = nack.Retryable,
                });
                break;
        }
    }

    private static bool StartsLikeObserved(ReadOnlySpan<byte> json) =>
        json.StartsWith(NackPrefix) || json.StartsWith(MsgPrefix) || json.StartsWith(JoinedPrefix) || json.StartsWith(LeftPrefix);
}
