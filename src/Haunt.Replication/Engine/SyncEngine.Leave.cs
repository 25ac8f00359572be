using Microsoft.Extensions.Logging;

namespace Haunt.Replication.Engine;

// Leaving: a region removed from a running deployment first leaves (an agreed version names it leaving and its
// successor), then is removed (the next version, without it). While it leaves it takes no new writes (the product's
// grains and API refuse them), hands each strong entity homed here to its successor by writing it again with the
// successor as home (a local write like any other, so the handover is ordered after every write made here before
// it), and drains: its outbox empties as every peer acks. Only then does it propose its own removal. Its vector
// entries stay in every state; its peers drop what they had queued for it when they adopt the removal.
public sealed partial class SyncEngine
{
    /// <summary>How many strong entities a heartbeat tick hands over at most (in transactions of <see cref="RehomeCommit"/>): the loop stays responsive meanwhile.</summary>
    private const int RehomeBatch = 2_000;

    private const int RehomeCommit = 250;

    private long _statesRehomed;
    private LeaveProgress? _leave;

    /// <summary>Proposes that <paramref name="region"/> leave the deployment, its strong entities going to <paramref name="successor"/> (default: the primary).</summary>
    public Task<MembershipAnswer> ProposeLeaveAsync(string region, string? successor = null)
    {
        var (next, problem) = Silo.Membership.Leaving(region.Trim(), successor?.Trim());
        return ProposeAsync(next, problem);
    }

    /// <summary>On the heartbeat tick while this region leaves: hand strong entities over, then, once drained, propose the removal.</summary>
    private async Task ContinueLeaveAsync()
    {
        if (!Silo.Leaving || ChangeInProgress() is not null)
        {
            return;
        }

        var successor = Silo.Membership.SuccessorOf(Region)!;
        var homedHere = await RehomeAsync(successor);
        var (backlog, catchingUp) = await UndrainedAsync();
        var drained = backlog == 0 && catchingUp == 0;
        _leave = new LeaveProgress(homedHere > 0 ? "re-homing" : drained ? "removing" : "draining", successor, _statesRehomed, backlog);
        if (homedHere == 0 && drained)
        {
            await ProposeAsync(Silo.Membership.Removing(Region).Next, null);
        }
    }

    /// <summary>
    /// Writes up to <see cref="RehomeBatch"/> strong entities homed here (or in a departed region whose successor is this
    /// one) with <paramref name="successor"/> as home; returns how many it found (0: none is left to hand over).
    /// </summary>
    private async Task<int> RehomeAsync(string successor)
    {
        var homes = Silo.Membership.Regions.Concat(Silo.Membership.Successors!.Keys).Where(r => Silo.Membership.HomeOf(r) == Region).Distinct().ToArray();
        var (found, handed) = (0, new List<EntityState>());
        foreach (var type in EntityTypes.All.Where(t => t.Consistency == Consistency.Strong).Select(t => t.Type))
        {
            var homed = await _store.HomedInAsync(type, homes, RehomeBatch - found);
            found += homed.Count;
            foreach (var chunk in homed.Chunk(RehomeCommit))
            {
                handed.AddRange(await HandOverAsync(chunk, successor));
            }

            if (found >= RehomeBatch)
            {
                break;
            }
        }

        if (handed.Count > 0)
        {
            _statesRehomed += handed.Count;
            LogLeave(_log, Region, $"handed {handed.Count} strong entities to {successor} ({_statesRehomed} so far)");
            await _onStored(handed);
        }

        return found;
    }

    /// <summary>
    /// Writes <paramref name="states"/> again with <paramref name="successor"/> as home, all in one transaction; if a
    /// change applied from a peer moved one of them since it was read, one at a time instead (the moved one is read
    /// again on the next tick). Returns the states written.
    /// </summary>
    private async Task<IReadOnlyList<EntityState>> HandOverAsync(EntityState[] states, string successor)
    {
        var writes = states.Select(state => new LocalWrite(state with
        {
            HomeRegion = successor,
            Vector = state.Vector.Increment(Region),
            ModifiedAt = _clock.Now(),
            ModifiedBy = Region,
        }, state.Deleted ? SyncOperation.Delete : SyncOperation.Update, state.Version)).ToList();
        if ((await _store.CommitLocalAsync(writes)).Status == CommitStatus.Committed)
        {
            return [.. writes.Select(w => w.State)];
        }

        var written = new List<EntityState>();
        foreach (var write in writes)
        {
            if ((await _store.CommitLocalAsync([write])).Status == CommitStatus.Committed)
            {
                written.Add(write.State);
            }
        }

        return written;
    }

    /// <summary>
    /// What keeps this region from being removed: outbox rows some peer has not acked, and peers that must still catch
    /// up from its state (their backlog was released past its bound: an empty outbox does not mean they have it all).
    /// </summary>
    private async Task<(long Rows, int CatchingUp)> UndrainedAsync()
    {
        var (rows, catchingUp) = (0L, 0);
        foreach (var peer in Silo.Peers)
        {
            rows += (await _store.BacklogAsync(peer)).Rows;
            catchingUp += (await _store.PeerStateAsync(peer)).NeedsSnapshot ? 1 : 0;
        }

        return (rows, catchingUp);
    }

    /// <summary>
    /// Whether this region may commit <paramref name="agreed"/>: its own removal only while it is still drained (a
    /// write that slipped in after the proposal would be lost once its peers drop it).
    /// </summary>
    private async Task<string?> CommitRefusalAsync(Membership agreed)
    {
        if (agreed.Change != $"remove {Region}")
        {
            return null;
        }

        var (rows, catchingUp) = await UndrainedAsync();
        return rows > 0 || catchingUp > 0 ? $"{agreed.Change} put off: {rows} outbox rows not yet acked, {catchingUp} peers still catching up" : null;
    }

    private LeaveProgress? LeaveProgressNow() => Silo.Leaving ? _leave ?? new LeaveProgress("re-homing", Silo.Membership.SuccessorOf(Region)!, _statesRehomed, 0) : null;
}
