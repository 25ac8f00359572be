namespace Haunt.Storage;

/// <summary>The agreed membership a region's store keeps, and the peers its outbox queues for.</summary>
public interface IMembershipStore
{
    /// <summary>The membership this region adopted last; null before its first (a new store, or a region waiting to be admitted).</summary>
    Task<StoredMembership?> MembershipAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Adopts <paramref name="membership"/> (a version older than the stored one is ignored; the same version may
    /// change only <paramref name="serving"/>): from the commit of this on, every local change is queued for exactly
    /// the other regions it names, on every silo of the region, because the outbox reads its peers from the store.
    /// </summary>
    Task SaveMembershipAsync(Membership membership, bool serving);
}
