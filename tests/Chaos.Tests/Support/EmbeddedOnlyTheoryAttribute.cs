namespace ChatResilience.Chaos.Tests.Support;

/// <summary>The theory form of <see cref="EmbeddedOnlyFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class EmbeddedOnlyTheoryAttribute : TheoryAttribute
{
    public EmbeddedOnlyTheoryAttribute()
    {
        if (ToxiproxyTarget.RealServerUrl is not null)
        {
            Skip = "embedded-only fix; TOXIPROXY_URL targets a real Toxiproxy";
        }
    }
}
