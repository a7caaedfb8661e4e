namespace ChatResilience.Chaos.Proxy.Internal.Toxics;

/// <summary>Pure: whether a toxic affects one connection's link.</summary>
internal static class ToxicityDraw
{
    /// <summary>
    /// Always consumes exactly one draw (even at toxicity 1) so the sequence of draws for a seed does not
    /// depend on the toxicity values configured.
    /// </summary>
    public static bool IsActive(Random random, double toxicity) => random.NextDouble() < toxicity;
}
