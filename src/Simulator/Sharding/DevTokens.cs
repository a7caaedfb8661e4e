using ChatResilience.Server.Hosting;
using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Sharding;

/// <summary>Tokens from the server's development endpoint <c>POST /dev/token</c> (the server process runs in Development).</summary>
internal static class DevTokens
{
    public static async Task<string> IssueAsync(HttpClient http, Uri serverUrl, string userId, bool admin, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(
            new Uri(serverUrl, "dev/token"),
            new DevTokenRequest { Sub = userId, Admin = admin, LifetimeSeconds = 6 * 3600 },
            ShardingJsonContext.Default.DevTokenRequest,
            cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HarnessException($"POST /dev/token for {userId} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        var body = await response.Content.ReadFromJsonAsync(ShardingJsonContext.Default.DevTokenResponse, cancellationToken);
        return body?.Token ?? throw new HarnessException($"POST /dev/token for {userId} answered without a token");
    }
}
