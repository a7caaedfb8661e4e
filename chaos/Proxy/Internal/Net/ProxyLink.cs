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
/// <remarks>
/// An idle link holds no buffer: it waits for data with a zero-byte receive and rents a read buffer only
/// once bytes are there, and a chunk queued for the toxics is copied into a buffer of its own size. A chat
/// connection is idle almost all the time and its chunks are a few hundred bytes, so holding a 64 KiB read
/// buffer per direction, and a 64 KiB array per delayed chunk, made the proxy links most of a simulated
/// client's memory (375 KiB per client and its links, measured with 300 clients over two workers).
/// </remarks>
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

    /// <summary>
    /// One pool for every link: buffers are rented on one thread and returned on another after awaits, which
    /// the shared pool's per-thread caches mostly miss. Bounded: at most 256 arrays of each size are kept (16 MiB of the largest).
    /// </summary>
    private static readonly ArrayPool<byte> Buffers = ArrayPool<byte>.Create(maxArrayLength: CopyBytes, maxArraysPerBucket: 256);

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
        var reason = "closed by peer";
        var moreWaiting = false;
        try
        {
            while (true)
            {
                // Wait for data without a buffer. A zero-byte receive also completes at end of stream; the
                // receive below tells the two apart (it returns 0 only at end of stream). After a read that
                // filled its buffer more is probably waiting (a bulk stream): read straight away instead, so
                // streaming costs no extra system call per chunk.
                if (!moreWaiting)
                {
                    await _source.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
                }

                var buffer = Buffers.Rent(CopyBytes);
                try
                {
                    var plainCopy = Pipeline.IsEmpty && Volatile.Read(ref _inFlight) == 0;
                    var size = plainCopy ? CopyBytes : ChunkBytes;
                    var read = await _source.ReceiveAsync(buffer.AsMemory(0, size), SocketFlags.None, cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }

                    moreWaiting = read == size;

                    _countBytes(read);
                    // Once a chunk is queued, later chunks must follow it through the queue to keep order.
                    if (Pipeline.IsEmpty && Volatile.Read(ref _inFlight) == 0)
                    {
                        await WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                        continue;
                    }

                    var queue = EnsureProcessor(cancellationToken);
                    var chunk = Buffers.Rent(read);
                    buffer.AsSpan(0, read).CopyTo(chunk);
                    Interlocked.Increment(ref _inFlight);
                    try
                    {
                        await queue.Writer.WriteAsync(new Chunk(chunk, read, _timeProvider.GetTimestamp()), cancellationToken);
                    }
                    catch
                    {
                        Buffers.Return(chunk);
                        Interlocked.Decrement(ref _inFlight);
                        throw;
                    }
                }
                finally
                {
                    Buffers.Return(buffer);
                }
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
                    Buffers.Return(chunk.Buffer);
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
