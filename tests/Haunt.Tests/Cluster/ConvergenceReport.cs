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
        foreach (var region in fixture.Regions.All)
        {
            try
            {
                var store = fixture.Store(region);
                var digest = await store.DigestAsync();
                var m = fixture.Metrics(region);
                text.Append($"{region}: digest {digest.Overall[..12]}, {digest.Entities} entities, applied {m.ChangesApplied}, repaired {m.ChangesRepaired}, " +
                    $"rounds {m.ReconcileRounds}, released {m.BacklogsReleased}, rejected {m.BatchesRejected}, resent {m.BatchesResent}, not sent {m.MessagesNotSent};");
                foreach (var peer in fixture.Regions.PeersOf(region))
                {
                    var backlog = await store.BacklogAsync(peer);
                    var state = await store.PeerStateAsync(peer);
                    text.Append($" → {peer}: backlog {backlog.Rows}, needs-snapshot {state.NeedsSnapshot}, watermark {state.Watermark};");
                }

                var status = await fixture.GrainsOf(region).GetGrain<ISyncQueueGrain>(region).GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(5));
                text.AppendJoin("", status.Peers.Select(p => $" link to {p.Peer}: {p.State}, sent {p.ChangesSent}, attempts {p.Attempts}, oldest {p.OldestPendingAgeMs:0} ms;"));
                text.Append($" types differing from {fixture.Regions.All[0]}: ");
                var osaka = await fixture.Store(fixture.Regions.All[0]).DigestAsync();
                text.AppendJoin(",", digest.PerType.Where(t => !osaka.PerType.TryGetValue(t.Key, out var o) || o != t.Value).Select(t => t.Key));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                text.Append($"{region}: unreadable ({ex.GetType().Name}: {ex.Message})");
            }

            text.AppendLine();
        }

        if (fixture.Kind == Haunt.Tests.Dialects.StoreKind.Postgres)
        {
            DescribeSessions(fixture, text);
        }

        return text.ToString();
    }

    /// <summary>Every PostgreSQL session of the server that is not idle: who waits on what, and for how long.</summary>
    private static void DescribeSessions(ClusterFixture fixture, StringBuilder text)
    {
        try
        {
            using var connection = fixture.OpenStoreConnection(fixture.Regions.All[0]);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT pid, datname, application_name, state, coalesce(wait_event_type, '') || ':' || coalesce(wait_event, ''), " +
                "round(extract(epoch FROM now() - xact_start)::numeric, 1), left(regexp_replace(query, '\\s+', ' ', 'g'), 120) " +
                "FROM pg_stat_activity WHERE state IS NOT NULL AND state <> 'idle' AND pid <> pg_backend_pid() ORDER BY xact_start";
            using var reader = command.ExecuteReader();
            text.AppendLine("PostgreSQL sessions not idle (pid, database, application, state, wait, seconds in transaction, query):");
            while (reader.Read())
            {
                text.AppendLine($"  {reader.GetValue(0)} {reader.GetValue(1)} '{reader.GetValue(2)}' {reader.GetValue(3)} {reader.GetValue(4)} {reader.GetValue(5)}s {reader.GetValue(6)}");
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            text.AppendLine($"PostgreSQL sessions unreadable ({ex.GetType().Name}: {ex.Message})");
        }
    }
}
