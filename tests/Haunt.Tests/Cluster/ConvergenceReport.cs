using System.Text;

namespace Haunt.Tests.Cluster;

/// <summary>
/// What each region holds and owes when the regions did not converge in time: digests, entities, per-peer backlog
/// and catch-up state, the sync counters. Load-dependent stalls are read from this, not from a bare timeout.
/// </summary>
public static class ConvergenceReport
{
    public static async Task<string> DescribeAsync(ClusterFixture fixture)
    {
        var text = new StringBuilder();
        foreach (var region in KnownRegions.All)
        {
            try
            {
                var store = fixture.Store(region);
                var digest = await store.DigestAsync();
                var m = fixture.Metrics(region);
                text.Append($"{region}: digest {digest.Overall[..12]}, {digest.Entities} entities, applied {m.ChangesApplied}, repaired {m.ChangesRepaired}, " +
                    $"rounds {m.ReconcileRounds}, released {m.BacklogsReleased}, rejected {m.BatchesRejected}, not sent {m.MessagesNotSent};");
                foreach (var peer in KnownRegions.PeersOf(region))
                {
                    var backlog = await store.BacklogAsync(peer);
                    var state = await store.PeerStateAsync(peer);
                    text.Append($" → {peer}: backlog {backlog.Rows}, needs-snapshot {state.NeedsSnapshot}, watermark {state.Watermark};");
                }

                text.Append(" types differing from osaka: ");
                var osaka = await fixture.Store(KnownRegions.Osaka).DigestAsync();
                text.AppendJoin(",", digest.PerType.Where(t => !osaka.PerType.TryGetValue(t.Key, out var o) || o != t.Value).Select(t => t.Key));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                text.Append($"{region}: unreadable ({ex.GetType().Name}: {ex.Message})");
            }

            text.AppendLine();
        }

        return text.ToString();
    }
}
