namespace ChatResilience.Simulator.Cli;

/// <summary>chatsim's exit codes (issue 6).</summary>
public static class CliExitCodes
{
    public const int Pass = 0;
    public const int InvariantViolated = 1;
    public const int SloBreached = 2;
    public const int Inconclusive = 3;
    public const int HarnessFailure = 4;
    public const int BadArguments = 64;
}
