using System.Threading.RateLimiting;

namespace ChatResilience.Server.Core;

/// <summary>
/// A token bucket in the System.Threading.RateLimiting model (a <see cref="RateLimiter"/> with a
/// RetryAfter metadata on refusal) whose refill is driven by a <see cref="TimeProvider"/>. The built-in
/// TokenBucketRateLimiter reads the system clock even when replenished by hand, which would make the
/// rate-limit rules untestable on a fake clock.
/// </summary>
internal sealed class TimeProviderTokenBucket : RateLimiter
{
    private readonly TimeProvider _timeProvider;
    private readonly double _perSecond;
    private readonly int _burst;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _last;
    private long _idleSince;

    public TimeProviderTokenBucket(TimeProvider timeProvider, double perSecond, int burst)
    {
        _timeProvider = timeProvider;
        _perSecond = perSecond;
        _burst = burst;
        _tokens = burst;
        _last = _idleSince = timeProvider.GetTimestamp();
    }

    public override TimeSpan? IdleDuration => _timeProvider.GetElapsedTime(_idleSince);

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            Refill();
            return new RateLimiterStatistics { CurrentAvailablePermits = (long)_tokens };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_lock)
        {
            Refill();
            _idleSince = _timeProvider.GetTimestamp();
            if (_tokens >= permitCount)
            {
                _tokens -= permitCount;
                return Lease.Acquired;
            }

            var wait = TimeSpan.FromSeconds((permitCount - _tokens) / _perSecond);
            return new Lease(false, wait);
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private void Refill()
    {
        var now = _timeProvider.GetTimestamp();
        var elapsed = _timeProvider.GetElapsedTime(_last, now);
        _last = now;
        _tokens = Math.Min(_burst, _tokens + (elapsed.TotalSeconds * _perSecond));
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } r && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = r;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
