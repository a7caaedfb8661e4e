namespace ChatResilience.Client.Session;

/// <summary>
/// The one place the connection state changes (STYLE.md habit 3): a compare-and-set that refuses any
/// transition not in the table, so a late callback of a dead connection cannot resurrect it.
/// </summary>
internal sealed class ConnectionStateMachine
{
    private int _state = (int)ConnectionState.Disconnected;

    public ConnectionState Current => (ConnectionState)Volatile.Read(ref _state);

    /// <summary>Whether <paramref name="from"/> → <paramref name="to"/> is a legal edge.</summary>
    public static bool IsAllowed(ConnectionState from, ConnectionState to) => (from, to) switch
    {
        (ConnectionState.Closed, _) => false,
        (_, ConnectionState.Closed) => true,
        (ConnectionState.Disconnected, ConnectionState.Connecting) => true,
        (ConnectionState.Connecting, ConnectionState.Connected) => true,
        (ConnectionState.Connecting, ConnectionState.Reconnecting) => true,
        (ConnectionState.Connecting, ConnectionState.Disconnected) => true,
        (ConnectionState.Connected, ConnectionState.Reconnecting) => true,
        (ConnectionState.Connected, ConnectionState.Disconnected) => true,
        (ConnectionState.Reconnecting, ConnectionState.Connected) => true,
        (ConnectionState.Reconnecting, ConnectionState.Disconnected) => true,
        _ => false,
    };

    /// <summary>Moves from <paramref name="expected"/> to <paramref name="next"/>; false (no change) otherwise.</summary>
    public bool Transition(ConnectionState expected, ConnectionState next)
    {
        if (!IsAllowed(expected, next))
        {
            return false;
        }

        return Interlocked.CompareExchange(ref _state, (int)next, (int)expected) == (int)expected;
    }

    /// <summary>Moves to Closed from wherever; returns the previous state, or null when already Closed.</summary>
    public ConnectionState? Close()
    {
        while (true)
        {
            var current = Current;
            if (current == ConnectionState.Closed)
            {
                return null;
            }

            if (Transition(current, ConnectionState.Closed))
            {
                return current;
            }
        }
    }
}
