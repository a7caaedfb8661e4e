namespace ChatResilience.Bench;

/// <summary>The files of a SQLite database in WAL mode: the database, its <c>-wal</c> and its <c>-shm</c>.</summary>
internal static class SqliteFiles
{
    private static readonly string[] Suffixes = ["", "-wal", "-shm"];

    /// <summary>Deletes the database at <paramref name="path"/> and its WAL files (missing ones are no error).</summary>
    public static void Delete(string path)
    {
        foreach (var suffix in Suffixes)
        {
            File.Delete(path + suffix);
        }
    }

    /// <summary>The database and its WAL on disk, MB.</summary>
    public static double Megabytes(string path) =>
        new[] { path, path + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length) / 1e6;
}
