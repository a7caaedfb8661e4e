using System.Globalization;
using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Cli;

/// <summary>One plain line every few seconds (CI logs, redirected output).</summary>
internal sealed class PlainProgressSink(TextWriter output, TimeSpan every) : IRunProgressSink
{
    private TimeSpan _next = TimeSpan.Zero;

    public void Report(RunProgress p)
    {
        if (p.Elapsed < _next)
        {
            return;
        }

        _next = p.Elapsed + every;
        output.WriteLine(Format(p));
    }

    public static string Format(RunProgress p) => string.Create(
        CultureInfo.InvariantCulture,
        $"[{p.Elapsed.TotalSeconds,5:0}s] {p.Phase,-10} connected {p.Connected}/{p.Clients}  sent {p.Sent}  acked {p.Acked}  delivered {p.Delivered}  failed {p.Failed}  outbox {p.OutboxDepth}  reconnects {p.Reconnects}  faults {p.ActiveFaults}");
}
