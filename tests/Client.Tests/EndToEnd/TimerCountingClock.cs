using Microsoft.Extensions.Time.Testing;

namespace ChatResilience.Client.Tests.EndToEnd;

/// <summary>
/// A fake clock that counts the timers created on it. The client raises <c>OnReconnectScheduled</c> from Polly's
/// retry callback, just before Polly arms the delay's timer; a test that advanced the clock as soon as it saw the
/// event could advance before the timer existed, and the timer then waited a whole delay past the advance (seen once
/// in CI as "timed out waiting for attempt 2"). Waiting for a timer created after the event closes that window.
/// </summary>
internal sealed class TimerCountingClock() : FakeTimeProvider(ClientHarness.ClockStart)
{
    private int _created;

    public int TimersCreated => Volatile.Read(ref _created);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _created);
        return base.CreateTimer(callback, state, dueTime, period);
    }
}
