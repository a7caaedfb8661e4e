namespace ChatResilience.Simulator.Scenarios;

/// <summary>Checks a scenario's <c>load</c> section, naming every bad field by its JSON path.</summary>
internal static class LoadSpecValidator
{
    /// <summary>Highest ramp rate accepted (connections/s).</summary>
    public const double MaxRampRate = 10_000;

    public static void Validate(List<string> errors, Scenario s)
    {
        if (s.Load is not { } l)
        {
            return;
        }

        Check(errors, l.Version == LoadSpec.CurrentVersion, "load.version", $"must be {LoadSpec.CurrentVersion}, was {l.Version}");
        Check(errors, l.RampRate > 0 && l.RampRate <= MaxRampRate && double.IsFinite(l.RampRate), "load.rampRate", $"must be in (0, {MaxRampRate}] connections/s");
        Check(errors, l.Target is null or (>= 1 and <= 1_000_000), "load.target", "must be in [1, 1000000]");
        Check(errors, l.Hold >= TimeSpan.Zero && l.Hold <= TimeSpan.FromDays(1), "load.hold", "must be in [0, 24h]");
        Check(errors, l.MessageRatePerClient is null || (l.MessageRatePerClient >= 0 && l.MessageRatePerClient <= 100), "load.messageRatePerClient", "must be in [0, 100] messages/s");
        Check(errors, l.Window >= TimeSpan.FromSeconds(1) && l.Window <= TimeSpan.FromHours(1), "load.window", "must be in [1s, 1h]");
        Check(errors, l.ConnectTimeout >= TimeSpan.FromSeconds(1) && l.ConnectTimeout <= TimeSpan.FromMinutes(10), "load.connectTimeout", "must be in [1s, 10m]");
    }

    private static void Check(List<string> errors, bool ok, string path, string message)
    {
        if (!ok)
        {
            errors.Add($"{path}: {message}");
        }
    }
}
