using ChatResilience.Client.Tests.Outbox;

namespace ChatResilience.Client.Tests;

/// <summary>
/// Entry point used only when a test re-launches this assembly as a child process
/// (<c>dotnet ChatResilience.Client.Tests.dll outbox-crash-child &lt;db&gt;</c>); the test runner ignores it.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["outbox-crash-child", var path])
        {
            await OutboxCrashChild.RunAsync(path);
            return 0;
        }

        await Console.Error.WriteLineAsync("usage: outbox-crash-child <db-path>");
        return 64;
    }
}
