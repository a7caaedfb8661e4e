namespace ChatResilience.Server.Core;

/// <summary>Whether a welcomed session may go live.</summary>
internal enum RegistrationResult
{
    Registered,
    TooManyForUser,
    Stopping,
}
