namespace ChatResilience.Simulator.Workloads;

/// <summary>
/// Derives independent, stable seeds from the run seed (SplitMix64), e.g. one per client. Stable across
/// processes and .NET versions, unlike <see cref="HashCode"/>, so a seed stays a bug report.
/// </summary>
public static class SeedMixer
{
    /// <summary>A seed for stream <paramref name="stream"/> (e.g. a client index) of run seed <paramref name="seed"/>.</summary>
    public static int Derive(int seed, int stream, int purpose = 0)
    {
        var z = ((ulong)(uint)seed << 32) ^ (uint)stream ^ ((ulong)(uint)purpose * 0x9E3779B97F4A7C15UL);
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & int.MaxValue);
    }

    /// <summary>A seeded random source for one stream (the only place chatsim creates one).</summary>
    public static Random Create(int seed, int stream, int purpose = 0) => new(Derive(seed, stream, purpose));
}
