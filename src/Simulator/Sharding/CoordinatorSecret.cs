using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// The shared secret of a coordinator and its processes on other machines (<c>chatsim run --external-workers</c>,
/// <c>chatsim load --external-processes</c>): set <see cref="EnvironmentVariable"/> on every machine and each request
/// carries it as a bearer token, which the coordinator checks before anything else. Without it anyone who can reach the
/// API could take a share (and with it the run's arguments, token command included) or upload results in another's
/// name. An environment variable rather than an option, so the secret shows in no process list, repro command or report.
/// </summary>
public static class CoordinatorSecret
{
    public const string EnvironmentVariable = "CHATSIM_COORDINATOR_TOKEN";

    /// <summary>The secret from the environment; null when unset or blank.</summary>
    public static string? FromEnvironment() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } s && !string.IsNullOrWhiteSpace(s) ? s : null;

    /// <summary>Makes every request of <paramref name="http"/> carry <paramref name="secret"/> (nothing when null).</summary>
    public static void Apply(HttpClient http, string? secret)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (secret is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }
    }

    /// <summary>True when <paramref name="authorization"/> is <c>Bearer</c> <paramref name="secret"/>, compared in constant time.</summary>
    public static bool Matches(string? authorization, string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim()), Encoding.UTF8.GetBytes(secret));
    }

    /// <summary>What to print when an API other machines can reach runs without a secret; null when it needs none.</summary>
    public static string? OpenWarning(IPAddress listen, string? secret)
    {
        ArgumentNullException.ThrowIfNull(listen);
        return secret is null && !IPAddress.IsLoopback(listen)
            ? $"  WARNING  the coordinator API on {listen} takes any caller: set {EnvironmentVariable} to a shared secret on this machine and every worker's"
            : null;
    }
}
