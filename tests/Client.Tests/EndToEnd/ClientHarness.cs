using ChatResilience.Client.Outbox;
using ChatResilience.Client.Reconnect;
using Microsoft.Extensions.Time.Testing;

namespace ChatResilience.Client.Tests.EndToEnd;

/// <summary>Builds clients against a <see cref="FakeChatServer"/> on a fake clock, and waits without sleeping blindly.</summary>
internal static class ClientHarness
{
    /// <summary>Reconnects without delay, so tests need not move the clock unless they test timing.</summary>
    public static readonly ReconnectOptions Instant = new() { DelayBase = TimeSpan.Zero, DelayMax = TimeSpan.Zero, HealthyAfter = TimeSpan.Zero };

    public static ChatClientOptions Options(string clientId = "c1", ReconnectOptions? reconnect = null) => new()
    {
        ServerUri = new Uri("ws://fake/ws"),
        ClientId = clientId,
        Reconnect = reconnect ?? Instant,
    };

    public static ChatClient Create(
        FakeChatServer server,
        TimeProvider time,
        ChatClientOptions? options = null,
        IOutboxStore? store = null,
        Func<CancellationToken, ValueTask<string>>? token = null,
        INetworkStatus? network = null,
        int seed = 1,
        Microsoft.Extensions.Logging.ILoggerFactory? logs = null) =>
        new(options ?? Options(), token ?? (_ => ValueTask.FromResult("token")), store ?? new InMemoryOutboxStore(), server, time, new Random(seed), network, logs);

    /// <summary>Where every test's fake clock starts.</summary>
    public static readonly DateTimeOffset ClockStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(ClockStart);

    /// <summary>Polls <paramref name="condition"/> until true; fails after 5 s of real time.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, FakeTimeProvider? advance = null, TimeSpan? step = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out waiting for " + what);
            }

            if (advance is not null)
            {
                advance.Advance(step ?? TimeSpan.FromMilliseconds(100));
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Awaits a task with a real-time bound so a hang fails the test.</summary>
    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(TimeSpan.FromSeconds(5));

    public static Task Within(this Task task) => task.WaitAsync(TimeSpan.FromSeconds(5));

    /// <summary>A JWT-shaped token (unsigned) whose exp is <paramref name="exp"/>.</summary>
    public static string Jwt(DateTimeOffset exp, string tag)
    {
        static string B64(string s) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{B64("{\"alg\":\"none\"}")}.{B64($"{{\"sub\":\"u1\",\"exp\":{exp.ToUnixTimeSeconds()},\"tag\":\"{tag}\"}}")}.sig";
    }
}

/// <summary>A network status the test switches.</summary>
internal sealed class FakeNetworkStatus : INetworkStatus
{
    public bool IsAvailable { get; private set; } = true;

    public event Action<bool>? AvailabilityChanged;

    public void Set(bool available)
    {
        IsAvailable = available;
        AvailabilityChanged?.Invoke(available);
    }
}
