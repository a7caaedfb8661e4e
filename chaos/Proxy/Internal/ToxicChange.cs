using System.Collections.Immutable;

namespace ChatResilience.Chaos.Proxy.Internal;

/// <summary>A toxic update body: toxicity and attributes given (null = unchanged), keyed by attribute name.</summary>
internal sealed record ToxicChange(double? Toxicity, ImmutableDictionary<string, long> Attributes);
