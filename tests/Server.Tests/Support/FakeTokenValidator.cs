using ChatResilience.Server.Core;

namespace ChatResilience.Server.Tests.Support;

/// <summary>Tokens of the form <c>ok:user</c> or <c>ok:user:expMs</c> (or <c>admin:user</c>); anything else is invalid.</summary>
internal sealed class FakeTokenValidator : ITokenValidator
{
    public ValueTask<TokenValidation> ValidateAsync(string token, CancellationToken cancellationToken = default)
    {
        var parts = token.Split(':');
        if (parts.Length >= 2 && parts[0] is "ok" or "admin" && parts[1].Length > 0)
        {
            var exp = parts.Length > 2 ? long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture) : long.MaxValue / 2;
            return ValueTask.FromResult(TokenValidation.Valid(new AuthIdentity(parts[1], exp, parts[0] == "admin")));
        }

        return ValueTask.FromResult(TokenValidation.Invalid("invalid token"));
    }
}
