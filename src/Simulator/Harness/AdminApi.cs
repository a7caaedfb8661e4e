using System.Net.Http.Headers;

namespace ChatResilience.Simulator.Harness;

/// <summary>The server's admin HTTP API (PROTOCOL.md §9): room deletion and member removal.</summary>
internal static class AdminApi
{
    public static async Task DeleteAsync(HttpClient http, Uri baseUri, string path, string adminToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(baseUri, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HarnessException($"admin DELETE {path} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    public static string RoomPath(string room) => "admin/rooms/" + Uri.EscapeDataString(room);

    public static string MemberPath(string room, string userId) => RoomPath(room) + "/members/" + Uri.EscapeDataString(userId);
}
