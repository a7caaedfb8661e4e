using System.Threading.Channels;

namespace ChatResilience.Simulator.Load.Sharded.Remote;

/// <summary>
/// A <see cref="TextReader"/> of whole lines handed to it one at a time: what stands for a load process's standard
/// output or input when the process is at the other end of HTTP. Reading ends (null) once <see cref="Complete"/> is
/// called and every line handed before it has been read.
/// </summary>
internal sealed class LineChannelReader : TextReader
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Hands <paramref name="line"/> to the reader; false once completed.</summary>
    public bool Add(string line) => _lines.Writer.TryWrite(line);

    /// <summary>No more lines: the reader reads null after the last.</summary>
    public void Complete() => _lines.Writer.TryComplete();

    public override Task<string?> ReadLineAsync() => ReadLineAsync(CancellationToken.None).AsTask();

    public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        return await _lines.Reader.WaitToReadAsync(cancellationToken) && _lines.Reader.TryRead(out var line) ? line : null;
    }

    public override string? ReadLine() => ReadLineAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
}
