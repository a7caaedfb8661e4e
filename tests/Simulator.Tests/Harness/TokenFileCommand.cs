using ChatResilience.Server.Hosting;

namespace ChatResilience.Simulator.Tests.Harness;

/// <summary>
/// A <c>--token-command</c> for tests against a server the harness did not start: the server issues a token for each
/// user up front into a file, and a POSIX one-liner looks up the user id chatsim appends (no curl needed).
/// </summary>
internal static class TokenFileCommand
{
    /// <summary>Writes the tokens and the script into <paramref name="dir"/>; returns the command to pass.</summary>
    public static async Task<string> WriteAsync(ChatServerHost server, IEnumerable<string> userIds, string dir)
    {
        var tokens = Path.Combine(dir, "tokens.txt");
        await File.WriteAllLinesAsync(tokens, userIds.Distinct(StringComparer.Ordinal).Select(u => $"{u} {server.IssueToken(u)}"));
        var script = Path.Combine(dir, "token.sh");
        await File.WriteAllTextAsync(script, $"grep \"^$1 \" '{tokens}' | cut -d' ' -f2\n");
        return $"sh {script}";
    }
}
