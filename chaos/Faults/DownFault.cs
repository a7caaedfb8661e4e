using ChatResilience.Chaos.Toxiproxy;

namespace ChatResilience.Chaos.Faults;

/// <summary>
/// Takes the proxy down (enabled:false): listener closed, connects refused, live connections closed.
/// Direction and toxicity are ignored.
/// </summary>
public sealed record DownFault : Fault
{
    /// <inheritdoc />
    public override ToxicAttributes? ToToxicAttributes() => null;
}
