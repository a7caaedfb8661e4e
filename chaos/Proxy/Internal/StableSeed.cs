using System.Text;

namespace ChatResilience.Chaos.Proxy.Internal;

/// <summary>
/// Seeds for per-connection random sources: a stable hash (FNV-1a 64) of seed, proxy name and connection
/// ordinal, so a seed reproduces the same draws in every process (string.GetHashCode is randomised).
/// </summary>
internal static class StableSeed
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    public static int Compute(int seed, string proxyName, long connectionOrdinal)
    {
        var hash = FnvOffset;
        hash = Mix(hash, BitConverter.GetBytes(seed));
        hash = Mix(hash, Encoding.UTF8.GetBytes(proxyName));
        hash = Mix(hash, BitConverter.GetBytes(connectionOrdinal));
        return (int)(hash ^ (hash >> 32));
    }

    private static ulong Mix(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            hash ^= b;
            hash *= FnvPrime;
        }

        return hash;
    }
}
