using Haunt.Grains.Sync;
using Haunt.Tests.Cluster;
using Microsoft.Extensions.Options;

namespace Haunt.Tests.Faults;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteFaultTests(SqliteCluster cluster) : FaultTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresFaultTests(PostgresCluster cluster) : FaultTests(cluster);

public abstract class FaultTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    private static readonly TimeSpan s_converge = TimeSpan.FromSeconds(60);

    private async Task<AckedWrites> WriteEverywhereAsync(TimeSpan duration, Action? during = null, int pauseMs = 20)
    {
        var acked = new AckedWrites();
        using var stop = new CancellationTokenSource(duration);
        var writers = KnownRegions.All.Select(r => acked.WriteSteadilyAsync(fixture, r, stop.Token, pauseMs)).ToList();
        during?.Invoke();
        await Task.WhenAll(writers);
        return acked;
    }

    [SkippableFact]
    public async Task Partition_isolating_osaka_for_30s_under_steady_writes_heals_with_nothing_lost()
    {
        fixture.Cut(KnownRegions.Osaka, KnownRegions.Seoul);
        fixture.Cut(KnownRegions.Osaka, KnownRegions.Nyc);
        AckedWrites acked;
        try
        {
            acked = await WriteEverywhereAsync(TimeSpan.FromSeconds(30));
            Assert.True((await fixture.Store(KnownRegions.Osaka).BacklogAsync(KnownRegions.Seoul)).Rows > 0, "osaka queued for seoul while cut off");
        }
        finally
        {
            fixture.HealAll();
        }

        await fixture.ConvergedAsync(s_converge);
        await acked.AssertAllPresentExactlyOnceAsync(fixture);
        await acked.AssertInEveryFeedAsync(fixture); // the change feed of every region, after the partition healed
    }

    [SkippableFact]
    public async Task Cut_between_osaka_and_nyc_while_seoul_reaches_both_converges()
    {
        fixture.Cut(KnownRegions.Osaka, KnownRegions.Nyc);
        AckedWrites acked;
        try
        {
            acked = await WriteEverywhereAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            fixture.HealAll();
        }

        await fixture.ConvergedAsync(s_converge);
        await acked.AssertAllPresentExactlyOnceAsync(fixture);
    }

    [SkippableFact]
    public async Task Five_percent_drop_25_percent_duplicate_and_reorder_converge_without_double_apply()
    {
        var lossy = new LinkFault { DropRate = 0.05, DuplicateRate = 0.25, MaxDelay = TimeSpan.FromMilliseconds(60) };
        var ignoredBefore = KnownRegions.All.ToDictionary(r => r, r => fixture.Metrics(r).ChangesIgnored);
        var applies = KnownRegions.All.ToDictionary(r => r, fixture.RecordApplies);
        foreach (var from in KnownRegions.All)
        {
            foreach (var to in KnownRegions.PeersOf(from))
            {
                fixture.Fault(from, to, lossy);
            }
        }

        AckedWrites acked;
        try
        {
            acked = await WriteEverywhereAsync(TimeSpan.FromSeconds(8));
            await fixture.ConvergedAsync(s_converge); // still lossy: resends get through
        }
        finally
        {
            fixture.HealAll();
            foreach (var recorder in applies.Values)
            {
                recorder.Dispose();
            }
        }

        await acked.AssertAllPresentExactlyOnceAsync(fixture);
        // The final vectors cannot show a double apply (a state stored twice looks like one stored once): what
        // each region stored of this test's writes can. Every copy of a change that arrived again was skipped.
        foreach (var (region, seen) in applies)
        {
            var twice = seen.StoredTwice(acked.Wrote);
            Assert.True(twice.Count == 0, $"{region} applied {twice.Count} of this test's changes twice: {string.Join("; ", twice.Take(3))}");
            var redelivered = seen.Redelivered(acked.Wrote);
            var ignored = fixture.Metrics(region).ChangesIgnored - ignoredBefore[region];
            Assert.True(ignored >= redelivered, $"{region} received {redelivered} copies of this test's changes it already had, but skipped only {ignored} changes");
        }

        Assert.True(applies.Values.Sum(a => a.Redelivered(acked.Wrote)) > 0, "duplicates of this test's changes reached the receivers");
    }

    [SkippableFact]
    public async Task Corrupted_and_forged_batches_are_rejected_counted_and_apply_nothing()
    {
        var seoul = fixture.Metrics(KnownRegions.Seoul);
        var (rejectedBefore, forgedBefore) = (seoul.BatchesRejected, seoul.BatchesForged);
        var raw = fixture.Services(KnownRegions.Osaka).GetRequiredService<Haunt.Grains.Peers.PeerReplicationLink>();
        var codec = fixture.Services(KnownRegions.Osaka).GetRequiredService<BatchCodec>();
        var forger = BatchCodec.For(new SyncOptions { ClusterKey = Convert.ToBase64String(new byte[32]) });
        var (corruptId, forgedId) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));
        ChangeItem Item(string id) => new(1, SyncOperation.Insert, new EntityState(EntityType.Profile, id, KnownRegions.Osaka, V(1, 0, 0),
            new HybridTimestamp(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0), KnownRegions.Osaka, false, null, $"{{\"id\":\"{id}\",\"displayName\":\"x\"}}"), 0);

        var corrupt = codec.Encode(KnownRegions.Osaka, KnownRegions.Seoul, 1, [Item(corruptId)]);
        var body = (byte[])corrupt.Body.Clone();
        body[body.Length / 2] ^= 0x10;
        await raw.SendAsync(corrupt with { Body = body });
        await raw.SendAsync(forger.Encode(KnownRegions.Osaka, KnownRegions.Seoul, 2, [Item(forgedId)]));

        await Eventually.WaitUntilAsync(() => Task.FromResult(seoul.BatchesRejected >= rejectedBefore + 2 && seoul.BatchesForged >= forgedBefore + 1),
            "seoul rejected and counted both batches");
        Assert.Null(await fixture.Store(KnownRegions.Seoul).ReadAsync(EntityType.Profile, corruptId));
        Assert.Null(await fixture.Store(KnownRegions.Seoul).ReadAsync(EntityType.Profile, forgedId));

        // Real traffic still flows.
        var id = Guid.CreateVersion7().ToString("N");
        await fixture.Grain<IProfileGrain>(KnownRegions.Osaka, id).PutAsync(new Profile(id, "after the attack", null, 1));
        await fixture.ReplicatedAsync(EntityType.Profile, id);
    }

    [SkippableFact]
    public async Task Corrupting_link_rejects_and_resends_until_everything_arrives()
    {
        fixture.Fault(KnownRegions.Osaka, KnownRegions.Nyc, new LinkFault { CorruptRate = 0.5 });
        var rejectedBefore = fixture.Metrics(KnownRegions.Nyc).BatchesRejected;
        AckedWrites acked;
        try
        {
            acked = await WriteEverywhereAsync(TimeSpan.FromSeconds(4));
            await fixture.ConvergedAsync(s_converge);
        }
        finally
        {
            fixture.HealAll();
        }

        await acked.AssertAllPresentExactlyOnceAsync(fixture);
        Assert.True(fixture.Metrics(KnownRegions.Nyc).BatchesRejected > rejectedBefore);
    }

    [SkippableFact]
    public async Task Killing_seoul_mid_flush_and_restarting_loses_nothing_and_doubles_nothing()
    {
        var acked = new AckedWrites();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(8)))
        {
            var writers = KnownRegions.All.Select(r => acked.WriteSteadilyAsync(fixture, r, stop.Token, pauseMs: 5)).ToList();
            await Eventually.WaitUntilAsync(async () => (await fixture.Store(KnownRegions.Seoul).BacklogAsync(KnownRegions.Osaka)).Rows > 0 || acked.Count > 100,
                "seoul is flushing");
            await fixture.KillAsync(KnownRegions.Seoul);
            await fixture.RestartAsync(KnownRegions.Seoul);
            await Task.WhenAll(writers);
        }

        await fixture.ConvergedAsync(s_converge);
        await acked.AssertAllPresentExactlyOnceAsync(fixture);
    }

    [SkippableFact]
    public async Task Outage_longer_than_the_backlog_limit_keeps_the_backlog_bounded_and_converges_after()
    {
        var limit = fixture.Services(KnownRegions.Osaka).GetRequiredService<IOptions<SyncOptions>>().Value.MaxBacklogRows;
        fixture.Cut(KnownRegions.Seoul, KnownRegions.Osaka);
        fixture.Cut(KnownRegions.Seoul, KnownRegions.Nyc);
        var acked = new AckedWrites();
        long highest = 0;
        try
        {
            // Three times the bound: seoul acked just before the cut, so for MaxBackoff it counts as a working peer whose
            // backlog is released only past twice the bound; writes in-process outrun that window (CI6).
            for (var i = 0; i < (int)(limit * 3); i += 100)
            {
                await Task.WhenAll(Enumerable.Range(i, 100).Select(async n =>
                {
                    var id = Guid.CreateVersion7().ToString("N");
                    await fixture.Grain<IMarginHistoryGrain>(KnownRegions.Osaka, id).PutAsync(new MarginHistory(id, "p-1", n, 1000, DateTimeOffset.UtcNow));
                    acked.Record(EntityType.MarginHistory, id, KnownRegions.Osaka);
                }));
                highest = Math.Max(highest, (await fixture.Store(KnownRegions.Osaka).BacklogAsync(KnownRegions.Seoul)).Rows);
            }

            await Eventually.WaitUntilAsync(async () => (await fixture.Store(KnownRegions.Osaka).PeerStateAsync(KnownRegions.Seoul)).NeedsSnapshot,
                "osaka marked seoul as needing a snapshot");
            var after = (await fixture.Store(KnownRegions.Osaka).BacklogAsync(KnownRegions.Seoul)).Rows;
            Assert.True(after < limit, $"backlog for seoul released: {after} rows (limit {limit})");
            // Twice the bound, plus what one flush interval of these writes adds before the loop checks it; unbounded would be 3x.
            Assert.True(highest <= limit * 2 + 500, $"backlog stayed bounded: peak {highest} rows for a {limit}-row limit");
        }
        finally
        {
            fixture.HealAll();
        }

        await fixture.ConvergedAsync(s_converge);
        await acked.AssertAllPresentExactlyOnceAsync(fixture);
        Assert.False((await fixture.Store(KnownRegions.Osaka).PeerStateAsync(KnownRegions.Seoul)).NeedsSnapshot);
    }
}
