using System.Globalization;
using ChatResilience.Chaos.Proxy;

namespace ChatResilience.Chaos;

/// <summary>Parses the standalone proxy's arguments; bad input yields a message, never an exception.</summary>
internal static class CommandLine
{
    public const string Usage = "usage: ChatResilience.Chaos [--host <ip|localhost>] [--port <0-65535>] [--seed <int>]";

    public static bool TryParse(string[] args, out EmbeddedToxiproxyOptions options, out string error)
    {
        options = new EmbeddedToxiproxyOptions();
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                error = "help requested";
                return false;
            }

            if (i + 1 >= args.Length)
            {
                error = $"missing value for {arg}";
                return false;
            }

            var value = args[++i];
            switch (arg)
            {
                case "--host":
                    options = options with { Host = value };
                    break;
                case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port):
                    options = options with { Port = port };
                    break;
                case "--seed" when int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed):
                    options = options with { Seed = seed };
                    break;
                default:
                    error = $"bad argument {arg} {value}";
                    return false;
            }
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
            return false;
        }

        return true;
    }
}
