using Polly;
using Polly.Retry;

namespace ChatResilience.Chaos.Toxiproxy.Internal;

/// <summary>
/// Retry policy of the client. Only what is safe to repeat is retried:
/// idempotent calls (GET, POST /reset) on any transport failure or 503; every other call (POST, PATCH,
/// DELETE) only when the connection could not be established, i.e. the request never reached the server.
/// A DELETE that reached the server and is repeated would report 404 for a delete that succeeded.
/// </summary>
internal static class ToxiproxyRetry
{
    public const int MaxRetryAttempts = 3;
    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(100);

    public static ResiliencePipeline<ApiReply> Build(TimeProvider timeProvider, bool idempotent) =>
        new ResiliencePipelineBuilder<ApiReply> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<ApiReply>
            {
                MaxRetryAttempts = MaxRetryAttempts,
                Delay = Delay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, idempotent)),
            })
            .Build();

    public static bool ShouldRetry(Outcome<ApiReply> outcome, bool idempotent) => outcome switch
    {
        { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } } => true,
        { Exception: HttpRequestException } => idempotent,
        { Result.Status: 503 } => idempotent,
        _ => false,
    };
}
