using ChatResilience.Protocol.Codec;

namespace ChatResilience.Protocol.Tests.Architecture;

/// <summary>STYLE.md: "Protocol depends on the base library only" (plus ZstdSharp for zstd).</summary>
public sealed class DependencyRulesTests
{
    [Fact]
    public void Protocol_ReferencesOnlyTheBaseLibraryAndZstdSharp()
    {
        var referenced = typeof(FrameCodec).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        var foreign = referenced.Where(n => !(n is "System" or "netstandard" or "mscorlib" or "ZstdSharp" || n.StartsWith("System.", StringComparison.Ordinal))).ToList();

        Assert.True(foreign.Count == 0, $"src/Protocol references {string.Join(", ", foreign)}");
        Assert.Contains("ZstdSharp", referenced);
    }

    [Fact]
    public void Protocol_IsALeaf_ReferencingNoOtherProjectAssembly()
    {
        var referenced = typeof(FrameCodec).Assembly.GetReferencedAssemblies();

        Assert.DoesNotContain(referenced, a => a.Name!.StartsWith("ChatResilience", StringComparison.Ordinal));
    }
}
