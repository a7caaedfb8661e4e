namespace ChatResilience.Chaos.Proxy.Internal.Toxics;

/// <summary>Pure: where the slicer toxic cuts a chunk (Toxiproxy's recursive halving with variation).</summary>
internal static class SlicerPlan
{
    /// <summary>Offsets 0 = o0 &lt; o1 &lt; … &lt; on = length; piece i is [o(i), o(i+1)).</summary>
    public static List<int> Offsets(Random random, int length, int averageSize, int sizeVariation)
    {
        var offsets = new List<int> { 0 };
        if (length == 0)
        {
            return offsets;
        }

        Split(random, 0, length, Math.Max(1, averageSize), Math.Max(0, sizeVariation), offsets);
        return offsets;
    }

    private static void Split(Random random, int start, int end, int average, int variation, List<int> offsets)
    {
        if (end - start - average <= variation || end - start < 2)
        {
            offsets.Add(end);
            return;
        }

        var mid = start + (end - start) / 2;
        if (variation > 0)
        {
            mid += random.Next(variation * 2) - variation;
        }

        // Toxiproxy can pick an empty half and recurse on the same range; clamping guarantees progress.
        mid = Math.Clamp(mid, start + 1, end - 1);
        Split(random, start, mid, average, variation, offsets);
        Split(random, mid, end, average, variation, offsets);
    }
}
