using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace ChatResilience.Simulator.History;

/// <summary>
/// The history as JSON Lines — one event per line, its type in <c>e</c> — the format a worker ships to the
/// coordinator and the <see cref="SpillingHistoryRecorder"/> spills to. Blank lines are skipped; a line that is not
/// an event is an <see cref="InvalidDataException"/> naming its line number.
/// </summary>
public static class HistoryFile
{
    /// <summary>One event as a UTF-8 JSON line, newline included.</summary>
    public static byte[] ToLine(HistoryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var json = JsonSerializer.SerializeToUtf8Bytes(e, HistoryJsonContext.Default.HistoryEvent);
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>Writes <paramref name="events"/> to <paramref name="stream"/>, one line each.</summary>
    public static async Task WriteAsync(Stream stream, IEnumerable<HistoryEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            await stream.WriteAsync(ToLine(e), cancellationToken);
        }

        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>Writes <paramref name="events"/> to a new file at <paramref name="path"/> (replacing it).</summary>
    public static async Task WriteAsync(string path, IEnumerable<HistoryEvent> events, CancellationToken cancellationToken = default)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true);
        await WriteAsync(file, events, cancellationToken);
    }

    /// <summary>Reads the events of <paramref name="stream"/> in file order.</summary>
    public static async IAsyncEnumerable<HistoryEvent> ReadEventsAsync(
        Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, 1 << 16, leaveOpen: true);
        var number = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return Parse(line, number);
            }
        }
    }

    /// <summary>Reads a whole history file.</summary>
    public static async Task<RecordedHistory> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, useAsync: true);
        var events = new RecordedHistoryBuilder();
        await foreach (var e in ReadEventsAsync(file, cancellationToken))
        {
            events.Add(e);
        }

        return events.Build();
    }

    /// <summary>Parses one line; <paramref name="lineNumber"/> names it in the error.</summary>
    public static HistoryEvent Parse(string line, int lineNumber)
    {
        ArgumentNullException.ThrowIfNull(line);
        try
        {
            return JsonSerializer.Deserialize(line, HistoryJsonContext.Default.HistoryEvent)
                   ?? throw new InvalidDataException($"history line {lineNumber}: null is not an event");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw new InvalidDataException($"history line {lineNumber}: not a history event ({e.Message})", e);
        }
    }
}
