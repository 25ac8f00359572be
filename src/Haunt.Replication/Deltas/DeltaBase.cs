namespace Haunt.Replication.Deltas;

/// <summary>A version of an entity a peer is expected to hold: what a delta to it is computed from.</summary>
public sealed record DeltaBase(VersionVector Vector, string Payload)
{
    private string? _hash;

    /// <summary>Hashed when first asked: most bases kept are replaced before a delta is computed from them.</summary>
    public string Hash => _hash ??= PayloadHash.Of(Payload);
}
