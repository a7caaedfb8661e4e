namespace ChatResilience.Simulator.Harness;

/// <summary>
/// Bearer tokens issued ahead of a run against a deployment (<c>--token-file</c>): one line per user, the user id and
/// its token separated by whitespace; blank lines and lines starting with <c>#</c> are skipped. For a deployment with
/// real identity a file is the quick way to tens of thousands of users: a token command runs a process per user
/// (~50 ms each here), a file is read once. A token a run needs and the file lacks fails that run, naming the user.
/// </summary>
public static class TokenFile
{
    /// <summary>User id → token. A malformed file is an <see cref="InvalidDataException"/> naming the line.</summary>
    public static IReadOnlyDictionary<string, string> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 2)
            {
                throw new InvalidDataException($"{path}:{number}: expected 'user-id token', got {fields.Length} field(s)");
            }

            if (!tokens.TryAdd(fields[0], fields[1]))
            {
                throw new InvalidDataException($"{path}:{number}: a second token for user '{fields[0]}'");
            }
        }

        return tokens.Count > 0 ? tokens : throw new InvalidDataException($"{path}: no tokens in it");
    }
}
