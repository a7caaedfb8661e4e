namespace ChatResilience.Server.Core;

/// <summary>Checks a bearer token; the core never sees how (JWT lives in Hosting).</summary>
public interface ITokenValidator
{
    /// <summary>The identity the token names, or a failure with a reason. Never throws for a bad token.</summary>
    ValueTask<TokenValidation> ValidateAsync(string token, CancellationToken cancellationToken = default);
}

/// <summary>An authenticated identity: user id, token expiry (ms since the Unix epoch), admin role.</summary>
public sealed record AuthIdentity(string UserId, long ExpiresAtMs, bool IsAdmin);

/// <summary>The result of <see cref="ITokenValidator.ValidateAsync"/>.</summary>
public sealed record TokenValidation(AuthIdentity? Identity, string? Error)
{
    public bool IsValid => Identity is not null;

    public static TokenValidation Valid(AuthIdentity identity) => new(identity, null);

    public static TokenValidation Invalid(string error) => new(null, error);
}
