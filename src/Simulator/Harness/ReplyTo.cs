using System.Globalization;

namespace ChatResilience.Simulator.Harness;

/// <summary>
/// Finds the room seq an assistant's answer replies to: a <c>meta.replyTo</c> if the server sets one, else the
/// answer's <c>basis</c> (the server stores the triggering seq there, and ids it <c>answer.{epoch}.{seq}</c>).
/// </summary>
internal static class ReplyTo
{
    public const string AssistantUserId = "assistant";

    public static long? For(string from, long basis, IReadOnlyDictionary<string, string>? meta)
    {
        if (meta is not null && meta.TryGetValue("replyTo", out var v)
            && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return seq;
        }

        return string.Equals(from, AssistantUserId, StringComparison.Ordinal) ? basis : null;
    }
}
