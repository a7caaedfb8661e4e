using System.Net;

namespace ChatResilience.Chaos.Proxy;

/// <summary>Where the embedded Toxiproxy serves its API, and the seed of its fault draws.</summary>
public sealed record EmbeddedToxiproxyOptions
{
    /// <summary>Default API host: loopback.</summary>
    public const string DefaultHost = "127.0.0.1";

    /// <summary>Default API port: Toxiproxy's 8474. Use 0 for an OS-assigned port (tests, simulator).</summary>
    public const int DefaultPort = 8474;

    /// <summary>API host: an IP address or "localhost". Default <see cref="DefaultHost"/>.</summary>
    public string Host { get; init; } = DefaultHost;

    /// <summary>API port, 0–65535 (0 = OS-assigned). Default <see cref="DefaultPort"/>.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>
    /// Seed of every toxicity, jitter and slicer draw: connection n of proxy p draws from
    /// <c>new Random(hash(Seed, p, n))</c>. Default null: a random seed, logged at start so a run can be repeated.
    /// </summary>
    public int? Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> listing every bad field.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Host) || (!IPAddress.TryParse(Host, out _) && !string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add($"Host must be an IP address or \"localhost\", got \"{Host}\"");
        }

        if (Port is < 0 or > 65535)
        {
            problems.Add($"Port must be between 0 and 65535, got {Port}");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid EmbeddedToxiproxyOptions: " + string.Join("; ", problems));
        }
    }
}
