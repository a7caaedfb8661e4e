using System.Collections.Immutable;
using ChatResilience.Chaos.Proxy.Internal.Toxics;

namespace ChatResilience.Chaos.Proxy.Internal;

internal sealed partial class ProxyRegistry
{
    public ImmutableArray<ToxicSpec> ListToxics(string proxyName)
    {
        lock (_sync)
        {
            return Find(proxyName).Toxics;
        }
    }

    public ToxicSpec GetToxic(string proxyName, string toxicName)
    {
        lock (_sync)
        {
            return FindToxic(Find(proxyName).Toxics, toxicName);
        }
    }

    /// <summary>Adds a validated toxic; names are unique per proxy across both directions.</summary>
    public ToxicSpec AddToxic(string proxyName, ToxicSpec toxic)
    {
        lock (_sync)
        {
            var proxy = Find(proxyName);
            var toxics = proxy.Toxics;
            if (toxics.Any(t => t.Name == toxic.Name))
            {
                throw new ApiException(409, "toxic already exists");
            }

            proxy.SetToxics(toxics.Add(toxic));
            return toxic;
        }
    }

    /// <summary>Merges attributes key by key and sets toxicity; <paramref name="validate"/> vets the result.</summary>
    public ToxicSpec UpdateToxic(string proxyName, string toxicName, ToxicChange change, Action<ToxicSpec> validate)
    {
        lock (_sync)
        {
            var proxy = Find(proxyName);
            var toxics = proxy.Toxics;
            var current = FindToxic(toxics, toxicName);
            var names = ToxicKinds.AttributeNames(current.Kind);
            var values = current.Attributes.ToBuilder();
            for (var i = 0; i < names.Count; i++)
            {
                if (change.Attributes.TryGetValue(names[i], out var value))
                {
                    values[i] = value;
                }
            }

            var updated = current with
            {
                Toxicity = change.Toxicity ?? current.Toxicity,
                Attributes = values.ToImmutable(),
            };
            validate(updated);
            proxy.SetToxics(toxics.Replace(current, updated));
            return updated;
        }
    }

    public void RemoveToxic(string proxyName, string toxicName)
    {
        lock (_sync)
        {
            var proxy = Find(proxyName);
            var toxics = proxy.Toxics;
            proxy.SetToxics(toxics.Remove(FindToxic(toxics, toxicName)));
        }
    }

    private static ToxicSpec FindToxic(ImmutableArray<ToxicSpec> toxics, string name) =>
        toxics.FirstOrDefault(t => t.Name == name) ?? throw ApiException.ToxicNotFound();
}
