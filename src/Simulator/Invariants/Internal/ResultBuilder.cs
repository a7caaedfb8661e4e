namespace ChatResilience.Simulator.Invariants.Internal;

/// <summary>
/// Collects one checker's samples, violations (kept up to a cap, all counted) and details, then builds the
/// <see cref="InvariantResult"/>. The cap keeps a badly broken run from holding millions of violations in memory.
/// </summary>
internal sealed class ResultBuilder
{
    private readonly string _name;
    private readonly CheckContext _context;
    private readonly List<Violation> _violations = [];
    private readonly Dictionary<string, string> _details = new(StringComparer.Ordinal);

    public ResultBuilder(string name, CheckContext context)
    {
        _name = name;
        _context = context;
    }

    public long Samples { get; set; }

    public long Excluded { get; set; }

    public long ViolationCount { get; private set; }

    public string? InconclusiveReason { get; set; }

    public void Add(string message, long atMs, string? room = null, long? seq = null, string? clientId = null, string? messageId = null, long? fromMs = null, long? toMs = null)
    {
        ViolationCount++;
        if (_violations.Count < _context.MaxViolationsPerChecker)
        {
            _violations.Add(new Violation
            {
                Checker = _name,
                Message = message,
                AtMs = atMs,
                Room = room,
                Seq = seq,
                ClientId = clientId,
                MessageId = messageId,
                FromMs = fromMs,
                ToMs = toMs,
            });
        }
    }

    public void Detail(string key, string value) => _details[key] = value;

    public void Detail(string key, long value) => _details[key] = value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Detail(string key, double value) => _details[key] = value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

    public InvariantResult Build()
    {
        _details["samples"] = Samples.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _details["excluded"] = Excluded.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _details["violations"] = ViolationCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new InvariantResult
        {
            Name = _name,
            Samples = Samples,
            MinSamples = _context.MinSamplesFor(_name),
            Violations = _violations,
            ViolationCount = ViolationCount,
            Details = _details,
            InconclusiveReason = InconclusiveReason,
        };
    }
}
