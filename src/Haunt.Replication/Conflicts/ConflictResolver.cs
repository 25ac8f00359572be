namespace Haunt.Replication.Conflicts;

/// <summary>
/// The apply rule and the conflict policies of docs/architecture.md §4.2, in one place. Incoming newer → apply;
/// older or equal → ignore; concurrent → the entity type's policy picks a winner, stored with the merged
/// vector. The choice depends only on the two states, so every region resolves a pair the same way and
/// they converge without re-broadcasting.
/// </summary>
public sealed class ConflictResolver(RegionSet regions) : IChangeResolver
{
    /// <summary>The resolver of the default regions (tools and tests; a region's sync loop has one of its own set).</summary>
    public static ConflictResolver Instance { get; } = new(RegionSet.Default);

    public Resolution Resolve(EntityState? local, EntityState incoming)
    {
        if (local is null)
        {
            return new Resolution(ApplyOutcome.Applied, incoming);
        }

        switch (incoming.Vector.Compare(local.Vector))
        {
            case VectorOrder.Newer:
                return new Resolution(ApplyOutcome.Applied, incoming);
            case VectorOrder.Older:
            case VectorOrder.Equal:
                return Resolution.Ignore;
        }

        var info = incoming.Type.Info();
        var (winner, policy) = info.Consistency switch
        {
            Consistency.Strong => (PrimaryWins(local, incoming), "primary-wins"),
            Consistency.Eventual => (LastWriterWins(local, incoming), "last-writer-wins"),
            _ => (LastWriterWins(local, incoming), "append-only-union"),
        };
        var merged = winner with { Vector = local.Vector.Merge(incoming.Vector) };

        // Append-only records are immutable once written: two copies of one id are the same record, so
        // keeping either is a union, not a conflict.
        return info.IsAppendOnly
            ? new Resolution(ApplyOutcome.Applied, merged)
            : new Resolution(ApplyOutcome.Conflict, merged, winner.ModifiedBy, policy);
    }

    /// <summary>The write made in the higher-ranked region wins (the first of Haunt:Regions highest), then the later clock.</summary>
    private EntityState PrimaryWins(EntityState a, EntityState b)
    {
        var byRank = ByRank(a.ModifiedBy, b.ModifiedBy);
        return byRank != 0 ? (byRank < 0 ? a : b) : LastWriterWins(a, b);
    }

    /// <summary>The later hybrid clock wins; a tie goes to the higher-ranked region, then to the payload order.</summary>
    private EntityState LastWriterWins(EntityState a, EntityState b)
    {
        var byClock = a.ModifiedAt.CompareTo(b.ModifiedAt);
        if (byClock != 0)
        {
            return byClock > 0 ? a : b;
        }

        var byRank = ByRank(a.ModifiedBy, b.ModifiedBy);
        if (byRank != 0)
        {
            return byRank < 0 ? a : b;
        }

        return string.CompareOrdinal(a.Payload, b.Payload) >= 0 ? a : b;
    }

    /// <summary>
    /// Negative when <paramref name="a"/> ranks higher. A region no longer in the set (a state it wrote before it left)
    /// ranks below every member, and such regions by name among themselves, so the order stays total and the same in
    /// every region.
    /// </summary>
    private int ByRank(string a, string b)
    {
        var (ra, rb) = (regions.Contains(a) ? regions.Rank(a) : regions.Count, regions.Contains(b) ? regions.Rank(b) : regions.Count);
        return ra != rb ? ra.CompareTo(rb) : string.CompareOrdinal(a, b);
    }
}
