namespace Haunt.Abstractions.Sync;

/// <summary>
/// A sender's seal on a sync message: when it left (the sender's clock, unix ms) and an HMAC-SHA256 with the cluster
/// key over the message's type, route, content and that time. A receiver refuses a message whose seal does not
/// verify, that is too old or too far ahead, or that it has seen before.
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.MessageSeal")]
public sealed record MessageSeal([property: Id(0)] long SentAtMs, [property: Id(1)] byte[] Mac);
