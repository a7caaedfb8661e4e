namespace ChatResilience.Chaos.Toxiproxy.Internal;

/// <summary>An HTTP answer from the Toxiproxy API: status and raw body.</summary>
internal sealed record ApiReply(int Status, byte[] Body);
