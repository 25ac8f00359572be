using System.Text.Json;
using Haunt.Tests.Api;
using Haunt.Tests.Cluster;
using Haunt.Tests.Dialects;
using Haunt.Tests.Partitions;
using Xunit.Abstractions;

namespace Haunt.Tests.Processes;

[Collection(ProcessCollection.Name)]
public sealed class SqliteSiloLossTests(ITestOutputHelper output) : SiloLossTests(StoreKind.Sqlite, output);

[Collection(ProcessCollection.Name)]
public sealed class PostgresSiloLossTests(ITestOutputHelper output) : SiloLossTests(StoreKind.Postgres, output);

/// <summary>
/// osaka as two silo processes sharing the region's store (seoul and nyc one each), writers on both of osaka's
/// HTTP APIs behind a failover client, and the silo that runs osaka's sync loop killed with kill -9.
/// </summary>
public abstract class SiloLossTests : IAsyncLifetime
{
    private static readonly TimeSpan s_outageTarget = TimeSpan.FromSeconds(10);
    private readonly StoreKind _kind;
    private readonly ITestOutputHelper _output;
    private readonly List<HttpClient> _http = [];
    private SiloProcessSet? _set;

    protected SiloLossTests(StoreKind kind, ITestOutputHelper output)
    {
        (_kind, _output) = (kind, output);
        StoreKinds.SkipIfUnavailable(kind);
    }

    private IEnumerable<SiloProcess> Silos => _set!.Silos;

    private IEnumerable<SiloProcess> Osaka => Silos.Where(s => s.Region == KnownRegions.Osaka);

    public async Task InitializeAsync() => _set = await SiloProcessSet.StartAsync(_kind, "silo-loss", osakaSilos: 2);

    public async Task DisposeAsync()
    {
        _http.ForEach(h => h.Dispose());
        if (_set is not null)
        {
            await _set.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task Killing_the_osaka_silo_that_runs_the_sync_loop_keeps_osaka_writing_through_the_other_and_loses_nothing()
    {
        var (first, second) = (Osaka.First(), Osaka.Last());
        var lanes = new List<WriterLane>
        {
            new(KnownRegions.Osaka, Client(first, second)),
            new(KnownRegions.Osaka, Client(second, first)),
            new(KnownRegions.Seoul, Client(Silos.Single(s => s.Region == KnownRegions.Seoul))),
            new(KnownRegions.Nyc, Client(Silos.Single(s => s.Region == KnownRegions.Nyc))),
        };
        await using var writers = SteadyWriters.Start(lanes);
        await Eventually.WaitUntilAsync(() => Task.FromResult(writers.AckTimesOf(0).Count >= 10 && writers.AckTimesOf(1).Count >= 10),
            "both osaka silos acknowledged writes");

        // Osaka's API through both its silos, to ask where the sync loop runs (before and after the kill).
        var osaka = Client(first, second);
        int? syncSilo = null;
        await Eventually.WaitUntilAsync(async () => (syncSilo = await SyncLoopSiloAsync(osaka)) is not null, "osaka published where its sync loop runs");
        var victim = Osaka.Single(s => s.SiloPort == syncSilo);
        var survivor = Osaka.Single(s => s != victim);
        var killedAt = DateTime.UtcNow;
        await victim.KillAsync();
        await Eventually.WaitUntilAsync(() => Task.FromResult(Enumerable.Range(0, 2).All(lane => writers.AckTimesOf(lane).Count(t => t > killedAt) >= 30)),
            "both osaka writers got 30 writes acknowledged after the kill", TimeSpan.FromSeconds(60));
        await writers.StopAsync();

        var http = new Dictionary<string, HttpClient>
        {
            [KnownRegions.Osaka] = Client(survivor),
            [KnownRegions.Seoul] = lanes[2].Http,
            [KnownRegions.Nyc] = lanes[3].Http,
        };
        await EndState.WaitUntilConvergedAsync(http, TimeSpan.FromSeconds(90));
        await EndState.AssertEveryAcknowledgedWriteOnceEverywhereAsync(http, writers);
        await Eventually.WaitUntilAsync(async () => await SyncLoopSiloAsync(osaka) == survivor.SiloPort, "osaka's sync loop runs on the survivor");

        var outages = Enumerable.Range(0, 2).Select(lane => LongestGap(writers.AckTimesOf(lane), killedAt)).ToList();
        var refusals = writers.All.SelectMany(w => w.Refusals).ToList();
        _output.WriteLine($"{_kind}: client-visible outage per osaka writer {string.Join(", ", outages.Select(o => $"{o.TotalSeconds:0.0} s"))}; " +
            $"{writers[KnownRegions.Osaka].Orders.Count} osaka orders acknowledged, {writers[KnownRegions.Osaka].UnknownOrders.Count} unknown; refusals: {refusals.Count}");
        Assert.All(outages, o => Assert.True(o <= s_outageTarget, $"a writer saw osaka refuse or stall for {o.TotalSeconds:0.0} s (target {s_outageTarget.TotalSeconds} s)"));
        // Only "retry" answers while the region fails over: never a 500 or a client error.
        Assert.All(refusals, r => Assert.Contains("→ 503", r));
    }

    /// <summary>The longest wait for an acknowledgement from the last one before the kill on.</summary>
    private static TimeSpan LongestGap(IReadOnlyList<DateTime> acks, DateTime killedAt)
    {
        var from = acks.Where(t => t <= killedAt).DefaultIfEmpty(killedAt).Max();
        var longest = TimeSpan.Zero;
        foreach (var at in acks.Where(t => t > killedAt).Order())
        {
            longest = at - from > longest ? at - from : longest;
            from = at;
        }

        return longest;
    }

    /// <summary>The silo port of the silo running the region's sync loop, as its health tells operators (null until the loop has published).</summary>
    private static async Task<int?> SyncLoopSiloAsync(HttpClient region)
    {
        var silo = (await region.GetJsonAsync("/api/sync/health")).GetProperty("syncLoopSilo");
        if (silo.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // Orleans' parsable silo address, host:port@generation (the host may be an IPv6 address, colons and all).
        var address = silo.GetString()!;
        var at = address.LastIndexOf('@');
        return int.Parse(address[(address.LastIndexOf(':', at) + 1)..at], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>An HTTP client of a region's API: the first silo, then the others when it refuses connections.</summary>
    private HttpClient Client(params SiloProcess[] silos)
    {
        var http = FailoverHandler.OperatorClient(silos);
        _http.Add(http);
        return http;
    }
}
