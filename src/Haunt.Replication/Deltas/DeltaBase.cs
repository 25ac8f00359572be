namespace Haunt.Replication.Deltas;

/// <summary>
/// A version of an entity a peer is expected to hold: what a delta to it is computed from. One instance per outbox row
/// is shared by every peer's window (<see cref="RecentChanges"/>), so the delta from the base most peers hold is computed
/// once, not once per peer.
/// </summary>
public sealed class DeltaBase(VersionVector vector, string payload)
{
    private string? _hash;
    private (DeltaBase From, StateDelta? Delta)? _last;

    public VersionVector Vector { get; } = vector;

    public string Payload { get; } = payload;

    /// <summary>Hashed when first asked: most bases kept are replaced before a delta is computed from them.</summary>
    public string Hash => _hash ??= PayloadHash.Of(Payload);

    /// <summary>The delta to this version from <paramref name="from"/>, computed by <paramref name="compute"/> unless it was for the same base before.</summary>
    public StateDelta? DeltaFrom(DeltaBase from, Func<DeltaBase, DeltaBase, StateDelta?> compute)
    {
        if (_last is { } last && ReferenceEquals(last.From, from))
        {
            return last.Delta;
        }

        var delta = compute(from, this);
        _last = (from, delta);
        return delta;
    }
}
