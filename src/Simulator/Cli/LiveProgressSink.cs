using System.Globalization;
using ChatResilience.Simulator.Harness;
using Spectre.Console;

namespace ChatResilience.Simulator.Cli;

/// <summary>A live Spectre.Console table for an interactive terminal.</summary>
internal sealed class LiveProgressSink : IRunProgressSink
{
    private readonly Table _table = new Table().Border(TableBorder.Rounded).AddColumns("phase", "elapsed", "connected", "sent", "acked", "delivered", "failed", "outbox", "reconnects", "faults");
    private LiveDisplayContext? _context;

    public Table Table => _table;

    public void Attach(LiveDisplayContext context) => _context = context;

    public void Report(RunProgress p)
    {
        string N(long n) => n.ToString(CultureInfo.InvariantCulture);
        _table.Rows.Clear();
        _table.AddRow(p.Phase, $"{p.Elapsed.TotalSeconds:0}s", $"{p.Connected}/{p.Clients}", N(p.Sent), N(p.Acked), N(p.Delivered), N(p.Failed), N(p.OutboxDepth), N(p.Reconnects), N(p.ActiveFaults));
        _context?.Refresh();
    }
}
