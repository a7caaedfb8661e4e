using System.Security.Claims;
using System.Text;
using ChatResilience.Server.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatResilience.Server.Hosting;

/// <summary>
/// Issues and checks the server's bearer tokens: HS256 JWTs naming the user (<c>sub</c>), expiry and an
/// optional <c>role: admin</c>. Only HS256 is accepted, so <c>alg: none</c> and algorithm confusion fail;
/// expiry is judged on the server's <see cref="TimeProvider"/>, never the ambient clock.
/// </summary>
public sealed class JwtTokenService : ITokenValidator
{
    /// <summary>Issuer and audience of the tokens.</summary>
    public const string Issuer = "chatresilience";

    /// <summary>The role claim type and the admin value.</summary>
    public const string RoleClaim = "role";

    public const string AdminRole = "admin";

    /// <summary>
    /// DEVELOPMENT ONLY signing key, used when none is configured outside Production so the simulator
    /// and a new user can get tokens; tokens stay valid across restarts of a development server.
    /// </summary>
    public const string DevelopmentSigningKey = "chatresilience-development-signing-key-NOT-FOR-PRODUCTION-v1";

    private readonly SymmetricSecurityKey _key;
    private readonly TimeProvider _timeProvider;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public JwtTokenService(string signingKey, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(signingKey);
        if (Encoding.UTF8.GetByteCount(signingKey) < 32)
        {
            throw new ArgumentException("the signing key must be at least 32 bytes", nameof(signingKey));
        }

        _key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey));
        _timeProvider = timeProvider;
        Parameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Issuer,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.Zero,
            LifetimeValidator = (notBefore, expires, _, _) => expires is { } e && e > _timeProvider.GetUtcNow().UtcDateTime,
            NameClaimType = "sub",
            RoleClaimType = RoleClaim,
        };
    }

    /// <summary>Validation parameters shared with the JwtBearer handler of the admin API.</summary>
    public TokenValidationParameters Parameters { get; }

    /// <summary>Issues a token for <paramref name="userId"/> (default lifetime 1 h).</summary>
    public string Issue(string userId, bool admin = false, TimeSpan? lifetime = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        var claims = new List<Claim> { new("sub", userId) };
        if (admin)
        {
            claims.Add(new Claim(RoleClaim, AdminRole));
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = Issuer,
            Audience = Issuer,
            IssuedAt = now,
            NotBefore = now.AddMinutes(-1),
            Expires = now + (lifetime ?? TimeSpan.FromHours(1)),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <inheritdoc />
    public async ValueTask<TokenValidation> ValidateAsync(string token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > Protocol.ProtocolConstants.MaxTokenChars)
        {
            return TokenValidation.Invalid("malformed token");
        }

        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(token, Parameters);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException or FormatException)
        {
            return TokenValidation.Invalid("malformed token");
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return TokenValidation.Invalid(result.Exception is SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException ? "token expired" : "invalid token");
        }

        var sub = jwt.Subject;
        if (!Protocol.ProtocolFields.IsId(sub))
        {
            return TokenValidation.Invalid("token sub must be 1-64 chars of [A-Za-z0-9._:-]");
        }

        var admin = jwt.Claims.Any(c => c.Type == RoleClaim && c.Value == AdminRole);
        return TokenValidation.Valid(new AuthIdentity(sub, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero).ToUnixTimeMilliseconds(), admin));
    }
}
