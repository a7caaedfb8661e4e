using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;
using ChatResilience.Chaos.Proxy.Internal.Toxics;

namespace ChatResilience.Chaos.Proxy.Internal.Net;

/// <summary>
/// One direction of a proxied connection: reads its source socket, writes its destination. With no toxic
/// on the link the read loop writes each chunk itself (a plain pooled copy loop); with toxics, chunks go
/// through a bounded queue to a processor that runs the <see cref="ToxicPipeline"/>, so the reader stops
/// reading (backpressure) once the queue holds <see cref="QueueChunks"/> chunks the destination cannot take.
/// </summary>
internal sealed class ProxyLink : IToxicLinkHost
{
    /// <summary>Toxiproxy reads up to 32 KiB per chunk.</summary>
    public const int ChunkBytes = 32 * 1024;

    /// <summary>
    /// Read size of the plain copy loop (no toxics): chunking is unobservable there, so it reads as much as
    /// Stream.CopyToAsync would rather than Toxiproxy's 32 KiB.
    /// (A read already pending when the first toxic arrives may hand the toxics one chunk this large.)
    /// </summary>
    private const int CopyBytes = 64 * 1024;

    /// <summary>Bounds the link's buffered data at 64 chunks (at most 4 MiB).</summary>
    private const int QueueChunks = 64;

    private readonly Socket _source;
    private readonly Socket _destination;
    private readonly ProxyConnection _connection;
    private readonly TimeProvider _timeProvider;
    private readonly Action<long> _countBytes;
    private Channel<Chunk>? _queue;
    private Task? _processor;
    private int _inFlight;

    public ProxyLink(Socket source, Socket destination, ProxyConnection connection, TimeProvider timeProvider, Random random, Action<long> countBytes)
    {
        _source = source;
        _destination = destination;
        _connection = connection;
        _timeProvider = timeProvider;
        _countBytes = countBytes;
        Pipeline = new ToxicPipeline(timeProvider, random, this);
    }

    public ToxicPipeline Pipeline { get; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBytes);
        var reason = "closed by peer";
        try
        {
            while (true)
            {
                var plainCopy = Pipeline.IsEmpty && Volatile.Read(ref _inFlight) == 0;
                var read = await _source.ReceiveAsync(buffer.AsMemory(0, plainCopy ? CopyBytes : ChunkBytes), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                _countBytes(read);
                // Once a chunk is queued, later chunks must follow it through the queue to keep order.
                if (Pipeline.IsEmpty && Volatile.Read(ref _inFlight) == 0)
                {
                    await WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    continue;
                }

                var queue = EnsureProcessor(cancellationToken);
                Interlocked.Increment(ref _inFlight);
                await queue.Writer.WriteAsync(new Chunk(buffer, read, _timeProvider.GetTimestamp()), cancellationToken);
                buffer = ArrayPool<byte>.Shared.Rent(CopyBytes);
            }

            // A close is not delayed beyond the data before it: drain, then slow_close, then tear down.
            if (_queue is not null)
            {
                _queue.Writer.TryComplete();
                await _processor!;
            }

            var delay = Pipeline.SlowCloseDelay();
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _timeProvider, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException or ChannelClosedException)
        {
            reason = ex.GetType().Name;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _connection.Close(reason);
        }
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var sent = await _destination.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[sent..];
        }
    }

    /// <inheritdoc />
    public void CloseConnection(string reason) => _connection.Close(reason);

    private Channel<Chunk> EnsureProcessor(CancellationToken cancellationToken)
    {
        if (_queue is null)
        {
            _queue = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(QueueChunks)
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
            _processor = ProcessAsync(_queue.Reader, cancellationToken);
        }

        return _queue;
    }

    private async Task ProcessAsync(ChannelReader<Chunk> reader, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var chunk in reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    await Pipeline.ProcessAsync(chunk.Buffer.AsMemory(0, chunk.Length), chunk.ReadTimestamp, cancellationToken);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(chunk.Buffer);
                    Interlocked.Decrement(ref _inFlight);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            _connection.Close(ex.GetType().Name);
        }
    }

    private readonly record struct Chunk(byte[] Buffer, int Length, long ReadTimestamp);
}
