using System.Text;

namespace ChatResilience.Simulator.Load.Sharded.Remote;

/// <summary>
/// A <see cref="TextWriter"/> that hands each complete line written to it to a callback: what stands for a load
/// process's standard input or output when the process is at the other end of HTTP (and, in tests, what watches a
/// run's progress). Safe for concurrent writers: the callback gets whole lines, one at a time.
/// </summary>
internal sealed class LineCallbackWriter(Action<string> onLine) : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        // The callback runs under the lock too, so lines reach it one at a time, in the order they were completed.
        lock (_gate)
        {
            if (value != '\n')
            {
                _line.Append(value);
                return;
            }

            var complete = _line.ToString().TrimEnd('\r');
            _line.Clear();
            onLine(complete);
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
        {
            Write(c);
        }
    }

    public override void WriteLine(string? value)
    {
        // One lock for the whole line, so lines of concurrent writers do not interleave.
        lock (_gate)
        {
            Write(value);
            Write('\n');
        }
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task FlushAsync() => Task.CompletedTask;

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
