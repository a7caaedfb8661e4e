using ChatResilience.Client.Session;

namespace ChatResilience.Client.Tests.Session;

public sealed class ConnectionStateMachineTests
{
    [Fact]
    public void Transition_FromExpectedState_Moves()
    {
        var machine = new ConnectionStateMachine();
        Assert.True(machine.Transition(ConnectionState.Disconnected, ConnectionState.Connecting));
        Assert.True(machine.Transition(ConnectionState.Connecting, ConnectionState.Connected));
        Assert.True(machine.Transition(ConnectionState.Connected, ConnectionState.Reconnecting));
        Assert.True(machine.Transition(ConnectionState.Reconnecting, ConnectionState.Connected));
        Assert.Equal(ConnectionState.Connected, machine.Current);
    }

    [Fact]
    public void Transition_FromUnexpectedState_IsRefused()
    {
        var machine = new ConnectionStateMachine();
        Assert.False(machine.Transition(ConnectionState.Connected, ConnectionState.Reconnecting));
        Assert.Equal(ConnectionState.Disconnected, machine.Current);
    }

    [Fact]
    public void Transition_IllegalEdge_IsRefused()
    {
        var machine = new ConnectionStateMachine();
        Assert.False(machine.Transition(ConnectionState.Disconnected, ConnectionState.Connected));
        Assert.False(ConnectionStateMachine.IsAllowed(ConnectionState.Disconnected, ConnectionState.Reconnecting));
    }

    [Fact]
    public void Close_IsAbsorbing()
    {
        var machine = new ConnectionStateMachine();
        Assert.Equal(ConnectionState.Disconnected, machine.Close());
        Assert.Null(machine.Close());
        foreach (var next in Enum.GetValues<ConnectionState>())
        {
            Assert.False(machine.Transition(ConnectionState.Closed, next));
        }

        Assert.Equal(ConnectionState.Closed, machine.Current);
    }
}
