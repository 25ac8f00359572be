using Haunt.Silo.Security;
using System.Text.Json;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Api;

[Collection(SqliteApiCollection.Name)]
public sealed class SqliteQueueAndConflictsTests(SqliteApiHost host) : QueueAndConflictsTests(host);

[Collection(PostgresApiCollection.Name)]
public sealed class PostgresQueueAndConflictsTests(PostgresApiHost host) : QueueAndConflictsTests(host);

/// <summary>The outbox and the conflict log as paged lists, over a backlog and a conflict the test made.</summary>
public abstract class QueueAndConflictsTests(ApiHostFixture host) : ApiTestsBase(host.Kind)
{
    private static List<long> Seqs(JsonElement page) => [.. page.EnumerateArray().Select(i => i.GetProperty("seq").GetInt64())];

    [SkippableTheory]
    [InlineData(KnownRegions.Osaka)]
    [InlineData(KnownRegions.Seoul)]
    [InlineData(KnownRegions.Nyc)]
    public async Task Queue_pages_the_backlog_held_for_a_cut_peer_in_seq_order(string region)
    {
        var http = host.Http[region];
        var peer = KnownRegions.PeersOf(region).First();
        host.Cut(region, peer);
        try
        {
            var portfolios = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                portfolios.Add(await http.CreatePortfolioAsync());
            }

            // Nothing leaves for the cut peer: its whole backlog fits one page, and holds the three new rows.
            var all = await http.GetJsonAsync($"/api/sync/queue?peer={peer}&limit=1000");
            var backlog = Seqs(all);
            Assert.Equal(backlog.Order(), backlog);
            var queued = all.EnumerateArray().Where(i => i.GetProperty("entityType").GetString() == "Portfolio").Select(i => i.GetProperty("entityId").GetString()).ToList();
            Assert.All(portfolios, p => Assert.Contains(p, queued));
            // Health reads the store's figures once per status publication (Haunt:Sync:StatusInterval): the same count within one.
            await Eventually.WaitUntilAsync(async () => (await http.GetJsonAsync("/api/sync/health")).GetProperty("peers").EnumerateArray()
                .Single(p => p.GetProperty("peer").GetString() == peer).GetProperty("backlogRows").GetInt64() == backlog.Count, "health counts the queued rows");

            // Pages of two, each asked for after the last seq of the one before, give back the same rows in the same order.
            var paged = new List<long>();
            for (var page = Seqs(await http.GetJsonAsync($"/api/sync/queue?peer={peer}&limit=2")); page.Count > 0;
                page = Seqs(await http.GetJsonAsync($"/api/sync/queue?peer={peer}&limit=2&after={paged[^1]}")))
            {
                Assert.True(page.Count <= 2 && (paged.Count == 0 || page[0] > paged[^1]),
                    $"page [{string.Join(", ", page)}] for limit=2 after [{string.Join(", ", paged)}]");
                paged.AddRange(page);
            }

            Assert.Equal(backlog, paged);
        }
        finally
        {
            host.HealAll();
        }

        await Eventually.WaitUntilAsync(async () => (await http.GetJsonAsync($"/api/sync/queue?peer={peer}&limit=1")).GetArrayLength() == 0,
            $"{peer} acked {region}'s backlog once healed");
    }

    [SkippableFact]
    public async Task Conflicts_lists_the_concurrent_pair_in_every_region_and_pages_by_id()
    {
        var id = Guid.CreateVersion7().ToString("N");
        IProfileGrain Profile(string region) => host.GrainsOf(region).GetGrain<IProfileGrain>(EntityKey.Of(region, id));
        await Profile(KnownRegions.Osaka).PutAsync(new Profile(id, "original", null, 1));
        await Eventually.WaitUntilAsync(async () => await host.Store(KnownRegions.Nyc).ReadAsync(EntityType.Profile, id) is not null, "the profile reached nyc");
        host.Cut(KnownRegions.Osaka, KnownRegions.Nyc);
        try
        {
            await Profile(KnownRegions.Osaka).PutAsync(new Profile(id, "osaka edit", null, 2));
            await Profile(KnownRegions.Nyc).PutAsync(new Profile(id, "nyc edit", null, 3));
        }
        finally
        {
            host.HealAll();
        }

        foreach (var region in KnownRegions.All)
        {
            var http = host.Http[region];
            var mine = new List<JsonElement>();
            await Eventually.WaitUntilAsync(async () =>
                (mine = [.. (await http.GetJsonAsync("/api/sync/conflicts?limit=1000")).EnumerateArray().Where(c => c.GetProperty("entityId").GetString() == id)]).Count > 0,
                $"{region} logged the pair");
            var conflict = Assert.Single(mine);
            Assert.Equal(("Profile", "last-writer-wins", region), (conflict.GetProperty("entityType").GetString(), conflict.GetProperty("policy").GetString(),
                conflict.GetProperty("detectedIn").GetString()));
            var rowId = conflict.GetProperty("id").GetInt64();
            var page = await http.GetJsonAsync($"/api/sync/conflicts?limit=1&after={rowId - 1}");
            Assert.Equal(rowId, Assert.Single(page.EnumerateArray()).GetProperty("id").GetInt64());
            var later = (await http.GetJsonAsync($"/api/sync/conflicts?limit=1000&after={rowId}")).EnumerateArray().Select(c => c.GetProperty("id").GetInt64()).ToList();
            Assert.True(later.All(i => i > rowId), $"{region}: the page after conflict {rowId} lists ids {string.Join(", ", later)}");

            // An operator sees the conflict, not what the user's profile held; an auditor sees both versions.
            Assert.True(conflict.GetProperty("payloadsRedacted").GetBoolean());
            Assert.Equal(JsonValueKind.Null, conflict.GetProperty("localPayload").ValueKind);
            Assert.Equal(JsonValueKind.Null, conflict.GetProperty("remotePayload").ValueKind);
            using var auditor = host.Client(region, TestTokens.For("audrey", HauntPolicies.OperatorRole, HauntPolicies.AuditorRole));
            var audited = (await auditor.GetJsonAsync($"/api/sync/conflicts?limit=1&after={rowId - 1}")).EnumerateArray().Single();
            Assert.False(audited.GetProperty("payloadsRedacted").GetBoolean());
            Assert.Contains("edit", audited.GetProperty("localPayload").GetString() + audited.GetProperty("remotePayload").GetString());
        }
    }
}
