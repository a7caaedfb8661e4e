namespace ChatResilience.Server.Storage;

/// <summary>A user's standing in a room; <see cref="Left"/> and <see cref="Removed"/> are remembered so a resume does not silently rejoin.</summary>
public enum MembershipState
{
    None = 0,
    Member = 1,
    Left = 2,
    Removed = 3,
}
