namespace Haunt.Grains.Sync;

/// <summary>
/// Puts the sync loop's status on every active silo's <see cref="SyncStatusBoard"/> of the region: this silo's
/// directly, the others' in one one-way message each (a lost one is replaced by the next, an interval later).
/// </summary>
public sealed class SyncStatusPublisher(SyncStatusBoard board, IClusterMembershipService membership, ILocalSiloDetails self, ISyncStatusClient others)
{
    public void Publish(SyncStatus status)
    {
        status = status with { SyncLoopSilo = self.SiloAddress.ToParsableString() };
        board.Publish(status);
        foreach (var (silo, member) in membership.CurrentSnapshot.Members)
        {
            if (member.Status == SiloStatus.Active && !silo.Equals(self.SiloAddress))
            {
                others.On(silo).PublishAsync(status).Ignore();
            }
        }
    }
}
