namespace ChatResilience.Chaos.Tests.Support;

/// <summary>
/// A fact about a fix the embedded proxy makes over Toxiproxy (tag it [Trait("Category","EmbeddedOnly")]):
/// skipped when the conformance suite targets a real server through TOXIPROXY_URL.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class EmbeddedOnlyFactAttribute : FactAttribute
{
    public EmbeddedOnlyFactAttribute()
    {
        if (ToxiproxyTarget.RealServerUrl is not null)
        {
            Skip = "embedded-only fix; TOXIPROXY_URL targets a real Toxiproxy";
        }
    }
}
