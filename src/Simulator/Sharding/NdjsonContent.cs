using System.Net;
using System.Net.Http.Headers;
using ChatResilience.Simulator.History;

namespace ChatResilience.Simulator.Sharding;

/// <summary>A history streamed as NDJSON (HistoryFile lines) without holding the whole body in memory.</summary>
internal sealed class NdjsonContent : HttpContent
{
    private readonly IEnumerable<HistoryEvent> _events;

    public NdjsonContent(IEnumerable<HistoryEvent> events)
    {
        _events = events;
        Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        HistoryFile.WriteAsync(stream, _events, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
