using System.Globalization;
using ChatResilience.Client;
using ChatResilience.Server;

namespace ChatResilience.Simulator.Harness;

/// <summary>The test-only bug switches of server and client, parsed from <c>--bug name=value</c>.</summary>
public static class BugSwitches
{
    /// <summary>Every switch name, for error messages.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        nameof(ServerBugSwitches.DropBroadcastEveryN), nameof(ServerBugSwitches.SkipSeamHold), nameof(ServerBugSwitches.StoreReplayTwice),
        nameof(ServerBugSwitches.AnswerAssistantTwice), nameof(ClientBugSwitches.ReorderSends), nameof(ClientBugSwitches.IgnoreJitterAtCap),
        nameof(ClientBugSwitches.IgnoreRetryAfter),
    ];

    /// <summary>Parses the switches; every bad one is listed in one <see cref="ArgumentException"/>.</summary>
    public static (ServerBugSwitches Server, ClientBugSwitches Client) Parse(IReadOnlyDictionary<string, string> bugs)
    {
        ArgumentNullException.ThrowIfNull(bugs);
        var server = new ServerBugSwitches();
        var client = ClientBugSwitches.None;
        var errors = new List<string>();
        foreach (var (name, value) in bugs)
        {
            bool Flag() => bool.TryParse(value, out var b) ? b : Bad<bool>($"--bug {name}: '{value}' must be true or false");
            T Bad<T>(string message)
            {
                errors.Add(message);
                return default!;
            }

            switch (name.ToUpperInvariant())
            {
                case "DROPBROADCASTEVERYN":
                    server = server with
                    {
                        DropBroadcastEveryN = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : Bad<int>($"--bug {name}: '{value}' must be an integer ≥ 0"),
                    };
                    break;
                case "SKIPSEAMHOLD":
                    server = server with { SkipSeamHold = Flag() };
                    break;
                case "STOREREPLAYTWICE":
                    server = server with { StoreReplayTwice = Flag() };
                    break;
                case "ANSWERASSISTANTTWICE":
                    server = server with { AnswerAssistantTwice = Flag() };
                    break;
                case "REORDERSENDS":
                    client = client with { ReorderSends = Flag() };
                    break;
                case "IGNOREJITTERATCAP":
                    client = client with { IgnoreJitterAtCap = Flag() };
                    break;
                case "IGNORERETRYAFTER":
                    client = client with { IgnoreRetryAfter = Flag() };
                    break;
                default:
                    errors.Add($"--bug {name}: unknown switch (known: {string.Join(", ", Names)})");
                    break;
            }
        }

        return errors.Count > 0 ? throw new ArgumentException(string.Join("; ", errors)) : (server, client);
    }
}
