using Microsoft.Extensions.Logging;

namespace Haunt.Replication.Engine;

// Membership, agreed one change at a time: the region an operator asked proposes the next version to every region
// of the current one; each accepts only the version after its own and only one proposer at a time (its promise);
// once all accepted, the proposer adopts it and sends it to every region of the new version. A region that missed
// the commit (cut off, restarted, or the one being added) gets it in answer to its next heartbeat, which carries the
// version it holds. Adopting a version stores it first: from that commit on the outbox queues for its peers.
public sealed partial class SyncEngine
{
    private Proposal? _proposal;
    private Promise? _promise;
    private string? _lastOutcome;

    /// <summary>
    /// Reads the stored membership at start: adopts an agreed one (version 2 on), which outranks Haunt:Regions (logged
    /// when they differ); otherwise the configured set is stored as version 1. A region started to be added adopts
    /// nothing until its peers admit it; one that was admitted and had not caught up when it stopped carries on joining.
    /// </summary>
    public async Task OpenMembershipAsync()
    {
        var stored = await _store.MembershipAsync();
        if (stored is not null && (stored.Membership.Version > 1 || Silo.Joining || stored.Membership.SameAs(Silo.Membership)))
        {
            if (!Silo.Joining && !stored.Membership.Set.All.SequenceEqual(Silo.Regions.All))
            {
                LogConfiguredSetIgnored(_log, Region, string.Join(", ", Silo.Regions.All), stored.Membership.ToString());
            }

            Silo.Adopt(stored.Membership, stored.Serving);
            SyncPeers();
            if (!stored.Serving && stored.Membership.Includes(Region))
            {
                BeginJoin(donor: Silo.Peers.FirstOrDefault());
            }

            return;
        }

        // A new store, or a configured set edited before any change was agreed (version 1 is only ever the
        // configuration, as it was before memberships were agreed): the configured set holds.
        if (!Silo.Joining)
        {
            await _store.SaveMembershipAsync(Silo.Membership, serving: true);
        }
    }

    /// <summary>Proposes adding <paramref name="region"/>, reached at <paramref name="gateways"/>, to the deployment (an operator's request).</summary>
    public Task<MembershipAnswer> ProposeAddAsync(string region, IReadOnlyList<string>? gateways = null)
    {
        var (next, problem) = Silo.Membership.Adding(region.Trim(), gateways);
        return ProposeAsync(next, problem);
    }

    /// <summary>Sends <paramref name="next"/> to every region of the current version (or says why not: <paramref name="problem"/>).</summary>
    private async Task<MembershipAnswer> ProposeAsync(Membership? next, string? problem)
    {
        if (!Silo.Serving)
        {
            return new MembershipAnswer(MembershipOutcome.NotServing, null, $"{Region} is not serving ({(Silo.Removed ? "it left the deployment" : "it is joining")}); ask a region that serves.");
        }

        if (ChangeInProgress() is { } inProgress)
        {
            return new MembershipAnswer(MembershipOutcome.InProgress, null, $"A membership change is in progress: {inProgress}. One change at a time.");
        }

        if (next is null)
        {
            return new MembershipAnswer(MembershipOutcome.Invalid, null, problem);
        }

        _proposal = new Proposal(next, [], Now);
        LogProposed(_log, Region, next.ToString());
        if (!Silo.Peers.Any())
        {
            await CommitAsync(next);
        }

        foreach (var peer in Silo.Peers)
        {
            await SendSealedAsync(new MembershipProposal(Region, peer, next));
        }

        return new MembershipAnswer(MembershipOutcome.Proposed, next, null);
    }

    /// <summary>The membership as held now, the change under way, the last outcome and, while joining, the progress.</summary>
    public MembershipStatus MembershipStatus() => new(Silo.Membership, Silo.Serving, ChangeInProgress(), _lastOutcome, JoinProgressNow(), LeaveProgressNow());

    /// <summary>What is under way: a change proposed here that waits for votes, or one promised to another region.</summary>
    private string? ChangeInProgress()
    {
        if (_proposal is { } proposal && Now - proposal.StartedAt < Options.MembershipTimeout)
        {
            var waiting = Silo.Peers.Where(p => !proposal.Accepted.Contains(p));
            return $"{proposal.Proposed.Change} (version {proposal.Proposed.Version}) proposed by {Region}, waiting for {string.Join(", ", waiting)}";
        }

        return _promise is { } promise && Now < promise.Until
            ? $"{promise.Proposed.Change} (version {promise.Proposed.Version}) proposed by {promise.From}"
            : null;
    }

    /// <summary>Gives up a proposal no region refused but not all accepted in time (called on the heartbeat tick).</summary>
    private void ExpireProposal()
    {
        if (_proposal is { } proposal && Now - proposal.StartedAt >= Options.MembershipTimeout)
        {
            _lastOutcome = $"{proposal.Proposed.Change} given up after {Options.MembershipTimeout}: no vote from {string.Join(", ", Silo.Peers.Where(p => !proposal.Accepted.Contains(p)))}";
            _proposal = null;
            LogMembershipOutcome(_log, Region, _lastOutcome);
        }
    }

    private async Task OnProposalAsync(MembershipProposal proposal)
    {
        var refusal = ProposalRefusal(proposal);
        if (refusal is null)
        {
            _promise = new Promise(proposal.Proposed, proposal.From, Now + Options.MembershipTimeout * 2);
        }

        await SendSealedAsync(new MembershipVote(Region, proposal.From, proposal.Proposed?.Version ?? 0, refusal is null, refusal ?? ""));
    }

    private string? ProposalRefusal(MembershipProposal proposal)
    {
        var current = Silo.Membership;
        if (proposal.Proposed is not { } proposed || !current.Precedes(proposed))
        {
            return $"{Region} holds membership version {current.Version}; the proposal is not the one change after it";
        }

        if (!Silo.Serving)
        {
            return $"{Region} is joining";
        }

        // Only the leaving region knows when its outbox is empty: a removal proposed by any other region is refused.
        if (proposed.Change.Split(' ') is ["remove", var leaving] && leaving != proposal.From)
        {
            return $"{leaving} is removed only on its own proposal, once it drained";
        }

        if (_proposal is { } own && Now - own.StartedAt < Options.MembershipTimeout)
        {
            return $"{Region} proposed {own.Proposed.Change} itself";
        }

        return _promise is { } promise && Now < promise.Until && (promise.From != proposal.From || !promise.Proposed.SameAs(proposed))
            ? $"{Region} promised {promise.Proposed.Change} to {promise.From}"
            : null;
    }

    private async Task OnVoteAsync(MembershipVote vote)
    {
        if (_proposal is not { } proposal || vote.Version != proposal.Proposed.Version)
        {
            return; // a vote on a proposal given up, or on none of ours
        }

        if (!vote.Accepted)
        {
            _lastOutcome = $"{proposal.Proposed.Change} refused by {vote.From}: {vote.Reason}";
            _proposal = null;
            LogMembershipOutcome(_log, Region, _lastOutcome);
            return;
        }

        proposal.Accepted.Add(vote.From);
        if (Silo.Peers.All(proposal.Accepted.Contains))
        {
            await CommitAsync(proposal.Proposed);
        }
    }

    /// <summary>Every region accepted: adopt the new version and tell every region of both versions of it.</summary>
    private async Task CommitAsync(Membership agreed)
    {
        _proposal = null;
        if (await CommitRefusalAsync(agreed) is { } putOff)
        {
            _lastOutcome = putOff;
            LogMembershipOutcome(_log, Region, _lastOutcome);
            return;
        }

        // Told before adopting: a region that removes itself has no peers once it adopted its removal.
        var tell = Silo.Peers.Union(agreed.Regions.Where(r => r != Region)).ToList();
        await AdoptAsync(agreed, Silo.Serving);
        _lastOutcome = $"{agreed.Change} agreed: membership version {agreed.Version}";
        LogMembershipOutcome(_log, Region, _lastOutcome);
        foreach (var peer in tell)
        {
            await SendSealedAsync(new MembershipCommit(Region, peer, agreed));
        }
    }

    private async Task OnCommitAsync(MembershipCommit commit)
    {
        // A version without this region is adopted only from this region's own commit of its removal.
        if (commit.Agreed is not { } agreed || agreed.Version <= Silo.Membership.Version || !agreed.Includes(Region) || Problem(agreed) is not null)
        {
            return;
        }

        var admitted = !Silo.Serving && Silo.Membership.Version == 0;
        await AdoptAsync(agreed, Silo.Serving);
        LogMembershipOutcome(_log, Region, $"adopted membership {agreed} from {commit.From}");
        if (admitted)
        {
            BeginJoin(donor: commit.From);
            await ContinueJoinAsync();
        }
    }

    /// <summary>A peer's heartbeat showed an older membership than ours: send it ours.</summary>
    private Task TellNewerMembershipAsync(Heartbeat heartbeat) => heartbeat.MembershipVersion < Silo.Membership.Version
        ? SendSealedAsync(new MembershipCommit(Region, heartbeat.From, Silo.Membership))
        : Task.CompletedTask;

    private async Task AdoptAsync(Membership agreed, bool serving)
    {
        // A region serves nothing once it left (it may still be asked: it says so).
        serving &= agreed.Includes(Region);
        await _store.SaveMembershipAsync(agreed, serving);
        Silo.Adopt(agreed, serving);
        SyncPeers();
        if (_promise is { } promise && promise.Proposed.Version <= agreed.Version)
        {
            _promise = null;
        }
    }

    /// <summary>A link for every peer of the membership held and for no other region, the conflict ranks of its set.</summary>
    private void SyncPeers()
    {
        foreach (var gone in _peers.Keys.Where(p => !Silo.Membership.Includes(p)).ToList())
        {
            _peers.Remove(gone);
            _metrics.Forget(gone);
        }

        foreach (var peer in Silo.Peers.Where(p => !_peers.ContainsKey(p)))
        {
            _peers[peer] = new PeerLink(peer, Options, _random);
        }

        _resolver = new ConflictResolver(Silo.Regions);
    }

    private static string? Problem(Membership membership) => RegionSet.Problem(membership.Regions ?? [], membership.Primary);

    /// <summary>A change proposed here, and the peers that accepted it so far.</summary>
    private sealed record Proposal(Membership Proposed, HashSet<string> Accepted, DateTimeOffset StartedAt);

    /// <summary>This region's promise to accept no other change until <see cref="Until"/> (or until one is adopted).</summary>
    private sealed record Promise(Membership Proposed, string From, DateTimeOffset Until);
}
