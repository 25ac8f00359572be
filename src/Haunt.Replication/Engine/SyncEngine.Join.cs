using Microsoft.Extensions.Logging;

namespace Haunt.Replication.Engine;

// Joining: a region added to a running deployment starts empty and serves nothing until it caught up. Once admitted
// it takes a snapshot from one donor: anti-entropy rounds with it, each bounded (Reconciler: so many fingerprints
// and states a round), until one round finds nothing more to ship. Then it runs one such round with every other
// region (what reached the donor after the snapshot passed it, or what the others had not yet sent it), and only
// then serves. Every round compares what is stored now, so a crash of either side or a cut link only costs the
// round under way: the next one resumes where the store stands. A donor that stops answering is swapped for the next
// region.
public sealed partial class SyncEngine
{
    private JoinState? _join;

    private void BeginJoin(string? donor)
    {
        if (donor is null)
        {
            return;
        }

        _join = new JoinState { Donor = donor, StatesAtStart = Interlocked.Read(ref _metrics.ChangesRepaired) };
        LogJoin(_log, Region, $"admitted; taking a snapshot from {donor}");
    }

    /// <summary>Starts the join's next round unless one is under way; swaps a donor that went silent (heartbeat tick and round ends).</summary>
    private async Task ContinueJoinAsync()
    {
        if (_join is not { } join)
        {
            return;
        }

        var roundTimeout = Options.JoinSilence;
        if (join.Round is not null && Now - join.RoundHeardAt < roundTimeout)
        {
            return;
        }

        if (join.Round is not null && join.Phase == JoinPhase.Snapshot && !HeardWithin(join.Donor, roundTimeout))
        {
            var peers = Silo.Peers.ToList();
            join.Donor = peers[(peers.IndexOf(join.Donor) + 1) % peers.Count];
            LogJoin(_log, Region, $"the donor did not answer for {roundTimeout}; taking the snapshot from {join.Donor}");
        }

        // A region that does not answer its repair round goes to the back: the rounds with the others need not wait
        // for it (a donor killed mid-snapshot is such a region until it restarts). It is still needed before serving.
        if (join.Round is not null && join.Phase == JoinPhase.Repair && join.Left.Count > 1 && join.RoundPeer is { } silent && join.Left.Remove(silent))
        {
            join.Left.Add(silent);
            LogJoin(_log, Region, $"{silent} did not answer its repair round for {roundTimeout}; repairing against {join.Left[0]} first");
        }

        var peer = join.Phase == JoinPhase.Snapshot ? join.Donor : join.Left.FirstOrDefault();
        if (peer is null)
        {
            return;
        }

        join.Round = await StartRoundAsync(peer);
        join.RoundPeer = peer;
        join.RoundHeardAt = Now;
    }

    /// <summary>A round of ours ended; <paramref name="complete"/>: it left nothing that differed unshipped.</summary>
    private async Task JoinRoundDoneAsync(string peer, long round, bool complete)
    {
        if (_join is not { } join || join.Round != round || join.RoundPeer != peer)
        {
            return;
        }

        join.Round = null;
        join.RoundsDone++;
        if (complete && join.Phase == JoinPhase.Snapshot)
        {
            join.Phase = JoinPhase.Repair;
            join.Left = [.. Silo.Peers.Where(p => p != join.Donor)];
            LogJoin(_log, Region, $"snapshot from {join.Donor} done after {join.RoundsDone} rounds; repairing against {string.Join(", ", join.Left)}");
        }
        else if (complete)
        {
            join.Left.Remove(peer);
        }

        if (join.Phase == JoinPhase.Repair && join.Left.Count == 0)
        {
            _join = null;
            await AdoptAsync(Silo.Membership, serving: true);
            LogJoin(_log, Region, $"caught up after {join.RoundsDone} rounds and {Interlocked.Read(ref _metrics.ChangesRepaired) - join.StatesAtStart} states; serving");
            return;
        }

        await ContinueJoinAsync();
    }

    /// <summary>
    /// A message of the join's round under way came from its peer: the round progresses, so it is not given up (for
    /// <see cref="SyncOptions.JoinSilence"/> after the last one). Timing
    /// a round from its start could supersede rounds that a loaded store was still applying, each new round queued
    /// behind the old ones and took longer still (the likely cause of a join under steady writes on PostgreSQL timing out in CI).
    /// </summary>
    private void JoinRoundHeard(string peer, long round)
    {
        if (_join is { } join && join.Round == round && join.RoundPeer == peer)
        {
            join.RoundHeardAt = Now;
        }
    }

    private bool HeardWithin(string peer, TimeSpan window) => LastHeardFrom(peer) is { } heard && Now - heard < window;

    private JoinProgress? JoinProgressNow()
    {
        if (_join is { } join)
        {
            return new JoinProgress(join.Phase == JoinPhase.Snapshot ? "snapshot" : "repair", join.Donor, join.RoundsDone,
                Interlocked.Read(ref _metrics.ChangesRepaired) - join.StatesAtStart, [.. join.Phase == JoinPhase.Snapshot ? Silo.Peers : join.Left]);
        }

        return Silo.Serving || Silo.Removed ? null : new JoinProgress("awaiting admission", null, 0, 0, [.. Silo.Peers]);
    }

    private enum JoinPhase { Snapshot, Repair }

    private sealed class JoinState
    {
        public JoinPhase Phase { get; set; } = JoinPhase.Snapshot;
        public required string Donor { get; set; }
        public List<string> Left { get; set; } = [];
        public long? Round { get; set; }
        public string? RoundPeer { get; set; }
        public DateTimeOffset RoundHeardAt { get; set; }
        public int RoundsDone { get; set; }
        public long StatesAtStart { get; init; }
    }
}
