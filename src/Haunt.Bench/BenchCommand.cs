using System.CommandLine;
using System.Diagnostics;

namespace Haunt.Bench;

/// <summary>
/// `bench`: every figure of the benchmark issue measured side by side in one run on this machine —
/// plain-Orleans baseline, unreplicated and replicated throughput, lag under load and at idle, bytes per
/// change, catch-up after a cut, and memory across cut lengths. Run it in Release.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the results as one JSON object on the last line." };
        var cut = new Option<int>("--cut") { Description = "Length in seconds of the long link cut (the short one is half).", DefaultValueFactory = _ => 60 };
        var seconds = new Option<int>("--seconds") { Description = "Length of each throughput and lag phase.", DefaultValueFactory = _ => 10 };
        var writers = new Option<int>("--writers") { Description = "Concurrent writers per region in the throughput phases.", DefaultValueFactory = _ => 128 };
        var only = new Option<string>("--only") { Description = "Comma-separated phases to run (baseline, unreplicated, postgres, twosilos, replicated, lag, slowlink, cut, operators, large, feed, join, leave); default all." };
        var lagRate = new Option<int>("--lag-rate") { Description = "Writes per second offered (all regions together) while lag is measured under load.", DefaultValueFactory = _ => 5000 };
        var largeRate = new Option<int>("--large-rate") { Description = "Strategy writes per second offered (all regions together) while lag is measured in the large phase.", DefaultValueFactory = _ => 500 };
        var postgres = new Option<string?>("--postgres") { Description = "Keep the Haunt regions' stores in PostgreSQL (a fresh database per cluster, created and dropped with this role) instead of SQLite files." };
        var window = new Option<int?>("--window") { Description = "Batches in flight per peer (default: the product's, 64); 1 shows what a stop-and-wait link does." };
        var entities = new Option<int>("--entities") { Description = "Entities in the operator-load phase (per region), in the store a region joins (the join phase) or leaves (the leave phase, with a tenth as many portfolios homed in it).", DefaultValueFactory = _ => 100_000 };
        var regions = new Option<string?>("--regions") { Description = "The regions to measure, in rank order, comma-separated (default osaka,seoul,nyc)." };
        regions.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } list && RegionSet.Problem(list.Split(',', StringSplitOptions.TrimEntries), null) is { } problem)
            {
                r.AddError($"--regions: {problem}");
            }
        });
        var delays = new Option<string[]>("--delay")
        {
            Description = "One-way delay of a link in the slow-link phase, \"a,b=ms\" (repeatable; default osaka,seoul=15 osaka,nyc=85 seoul,nyc=80; a pair not named: 50 ms).",
            DefaultValueFactory = _ => SlowLinkPhase.DefaultDelays,
            AllowMultipleArgumentsPerToken = true,
        };
        delays.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string[]>()?.FirstOrDefault(d => !SlowLinkPhase.IsDelay(d)) is { } bad)
            {
                r.AddError($"--delay: '{bad}' is not \"a,b=ms\".");
            }
        });
        var telemetry = new Option<BenchTelemetry>("--telemetry") { Description = "Run every silo with its telemetry exported, to measure what it costs: Metrics (a Prometheus endpoint) or Traces (metrics, and every trace over OTLP); default None." };
        var command = new Command("bench", "Measure throughput, lag, bytes per change, catch-up and memory.")
        {
            json, cut, seconds, only, writers, lagRate, largeRate, postgres, window, entities, regions, delays, telemetry,
        };
        command.SetAction((parse, _) =>
        {
            BenchCluster.Telemetry = parse.GetValue(telemetry);
            var set = parse.GetValue(regions) is { } list ? new RegionSet(list.Split(',', StringSplitOptions.TrimEntries)) : RegionSet.Default;
            return RunAsync(parse.GetValue(json), parse.GetValue(cut), parse.GetValue(seconds),
                parse.GetValue(only)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(), parse.GetValue(writers),
                parse.GetValue(lagRate), parse.GetValue(largeRate), parse.GetValue(postgres), parse.GetValue(window), parse.GetValue(entities),
                set, SlowLinkPhase.DelaysFor(set.All, parse.GetValue(delays) ?? SlowLinkPhase.DefaultDelays));
        });
        return command;
    }

    private static async Task<int> RunAsync(bool json, int cutSeconds, int phaseSeconds, HashSet<string>? only, int writers, int lagRate, int largeRate, string? postgres, int? window,
        int entities, RegionSet regions, IReadOnlyDictionary<(string A, string B), TimeSpan> delays)
    {
        bool Runs(string phaseName) => only is null || only.Contains(phaseName);
        var folder = Path.Combine(Path.GetTempPath(), "haunt-bench-" + Guid.NewGuid().ToString("N"));
        var phase = TimeSpan.FromSeconds(phaseSeconds);
        var results = new BenchResults
        {
            Machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
            Store = postgres is null ? "SQLite" : "PostgreSQL",
            Telemetry = BenchCluster.Telemetry,
        };
        using var lag = new LagListener();
        try
        {
            // First, and disposed before any other cluster starts: a silo stopped in this process stays in the heap
            // (Orleans' per-thread object pools hold values that reach their silo's services, rooted by the threads),
            // so the heap measured at the cut would count every cluster started before it.
            await ThreeRegionPhasesAsync(results, Runs, folder, regions, writers, phase, lagRate, cutSeconds, postgres, window, delays, lag);

            if (Runs("baseline"))
            {
                Log("plain Orleans baseline (ADO.NET grain storage on SQLite, 200 writers)");
                results.BaselineWritesPerSecond = await BaselineOrleans.MeasureAsync(Path.Combine(folder, "baseline"), phase, 200, 12111);
            }

            if (Runs("unreplicated"))
            {
                Log("Haunt write path, one region, replication off (the bench's outbox seam: rows written, none sent)");
                await using var single = await BenchCluster.StartAsync(Path.Combine(folder, "single"), [regions.All[0]], replicate: false, portOffset: 20, postgres);
                var load = new LoadDriver(single);
                var clock = Stopwatch.StartNew();
                await load.ClosedLoopAsync(writers, phase);
                results.UnreplicatedChangesPerSecond = load.Written / clock.Elapsed.TotalSeconds;
            }

            if (Runs("postgres"))
            {
                Log("Haunt write path, one region, replication off, its store in PostgreSQL (synchronous commit on)");
                results.Postgres = await PostgresPhase.MeasureAsync(Path.Combine(folder, "postgres"), regions.All[0], writers, phase, postgres);
            }

            if (Runs("twosilos"))
            {
                Log("replicated with two silos per region (each silo its own store writer on the region's store), counted until all applied");
                await using var twoSilos = await BenchCluster.StartAsync(Path.Combine(folder, "two-silos"), regions.All, replicate: true, portOffset: 40, postgres, window,
                    silosPerRegion: 2);
                results.TwoSilosReplicatedChangesPerSecond = await ReplicatedThroughputAsync(twoSilos, writers, phase);
            }

            if (Runs("operators"))
            {
                Log($"operators: {entities:N0} entities per region, then throughput and lag at {lagRate} writes/s and at half the quiet throughput, quiet and with 4 operators per region hammering health, convergence, overview and reconcile");
                results.LagRate = lagRate;
                await using var big = await BenchCluster.StartAsync(Path.Combine(folder, "operators"), regions.All, replicate: true, portOffset: 50, postgres, window);
                results.OperatorLoad = await OperatorLoadPhase.MeasureAsync(big, lag, writers, lagRate, phase, entities);
            }

            if (Runs("large"))
            {
                Log($"large: 1,024 strategies of ~8 KB per region changed a tick at a time; throughput, wire bytes per change and lag at {largeRate:N0} writes/s, sent whole (Haunt:Sync:DeltaMinBytes 0), then with deltas");
                results.LargeEntities = await LargeEntityPhase.MeasureAsync(folder, regions.All, lag, writers, largeRate, phase, postgres, window);
            }

            if (Runs("join"))
            {
                Log($"join: {entities:N0} entities, then one more region started empty and added; time until it serves and until its digest equals the others'");
                await using var growing = await BenchCluster.StartAsync(Path.Combine(folder, "join"), regions.All, replicate: true, portOffset: 70, postgres, window);
                results.Join = await JoinPhase.MeasureAsync(growing, entities);
            }

            if (Runs("leave"))
            {
                Log($"leave: {entities:N0} entities and {entities / 10:N0} portfolios in {regions.All[^1]}, then {regions.All[^1]} removed; time until all agreed it leaves and until all removed it");
                await using var shrinking = await BenchCluster.StartAsync(Path.Combine(folder, "leave"), regions.All, replicate: true, portOffset: 90, postgres, window);
                results.Leave = await LeavePhase.MeasureAsync(shrinking, entities, entities / 10);
            }

            results.PeakWorkingSetMb = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { /* leave it in /tmp */ }
        }

        results.Print(json);
        return 0;
    }

    /// <summary>
    /// The phases on one cluster of every region: replicated throughput (after a warm-up, as the phases before it used to
    /// give), lag, slow links, bytes per change, catch-up after cuts with the heap at each, and the change feed.
    /// </summary>
    private static async Task ThreeRegionPhasesAsync(BenchResults results, Func<string, bool> runs, string folder, RegionSet regions, int writers, TimeSpan phase,
        int lagRate, int cutSeconds, string? postgres, int? window, IReadOnlyDictionary<(string A, string B), TimeSpan> delays, LagListener lag)
    {
        if (!new[] { "replicated", "lag", "slowlink", "cut", "feed" }.Any(runs))
        {
            return;
        }

        await using var cluster = await BenchCluster.StartAsync(Path.Combine(folder, "three"), regions.All, replicate: true, portOffset: 30, postgres, window);
        if (runs("replicated"))
        {
            // The write and apply paths compiled and tiered up first: this phase used to come after two others that ran them.
            await new LoadDriver(cluster).ClosedLoopAsync(writers, phase);
            await BenchCluster.WaitAsync(cluster.DrainedAsync, TimeSpan.FromMinutes(2));
            Log($"replicated: writes in all {regions.Count} regions, counted until every region applied everything, {ReplicatedRounds} rounds");
            // The median of a few rounds: one round read ±20 % between runs of the same build, and the first of a
            // run lowest of all that the same cluster gave (docs/benchmarks.md, 2026-12-08).
            for (var round = 0; round < ReplicatedRounds; round++)
            {
                results.ReplicatedRounds.Add(await ReplicatedThroughputAsync(cluster, writers, phase));
            }

            results.ReplicatedChangesPerSecond = results.ReplicatedRounds.Order().ElementAt(ReplicatedRounds / 2);
        }

        if (runs("lag"))
        {
            Log($"lag at {lagRate} writes/s offered, at half the replicated throughput measured (if measured), then at an idle trickle (1 write / 100 ms)");
            results.LagRate = lagRate;
            results.LagUnderLoad = await LagAtAsync(cluster, lag, lagRate, phase);
            if (results.ReplicatedChangesPerSecond > 0)
            {
                results.HalfCapacityRate = (int)(results.ReplicatedChangesPerSecond / 2);
                results.LagAtHalfCapacity = await LagAtAsync(cluster, lag, results.HalfCapacityRate, phase);
            }

            results.LagIdle = await LagAtAsync(cluster, lag, 10, phase);
        }

        if (runs("slowlink"))
        {
            Log($"slow links: one-way delay {string.Join(", ", delays.Select(d => $"{d.Value.TotalMilliseconds:0} ms {d.Key.A}–{d.Key.B}"))} (at the link seam)");
            results.SlowLink = await SlowLinkPhase.MeasureAsync(cluster, lag, writers, phase, delays);
        }

        Log("bytes on the wire per change");
        var sent = regions.All.Sum(r => Interlocked.Read(ref cluster.Metrics(r).ChangesSent));
        results.WireBytesPerChange = regions.All.Sum(r => Interlocked.Read(ref cluster.Metrics(r).BytesSent)) / (double)Math.Max(1, sent);
        results.PayloadBytesPerChange = regions.All.Sum(r => Interlocked.Read(ref cluster.Metrics(r).PayloadBytesSent)) / (double)Math.Max(1, sent);

        if (runs("cut"))
        {
            Log($"catch-up: {regions.All[^1]} cut off for {cutSeconds / 2} s, then {cutSeconds} s, under 2,000 writes/s");
            results.CatchUpShort = await CutAsync(cluster, TimeSpan.FromSeconds(cutSeconds / 2));
            results.CatchUpLong = await CutAsync(cluster, TimeSpan.FromSeconds(cutSeconds));
        }

        if (runs("feed"))
        {
            Log($"feed: the replicated load with 0, 1 and 10 server-sent-event consumers of {regions.All[0]}'s change feed");
            results.Feed = await FeedPhase.MeasureAsync(cluster, writers, phase);
        }
    }

    /// <summary>Changes per second written in all the cluster's regions, counted until every region applied everything.</summary>
    /// <summary>Rounds of the replicated phase, its figure their median.</summary>
    private const int ReplicatedRounds = 3;

    internal static async Task<double> ReplicatedThroughputAsync(BenchCluster cluster, int writers, TimeSpan phase)
    {
        var load = new LoadDriver(cluster);
        var clock = Stopwatch.StartNew();
        await load.ClosedLoopAsync(writers, phase);
        var (written, writing) = (load.Written, clock.Elapsed);
        await BenchCluster.WaitAsync(cluster.DrainedAsync, TimeSpan.FromMinutes(3));
        // Which side limits: the writes (a short drain) or replication (a long one, the backlog it leaves).
        Log($"  {written / writing.TotalSeconds:N0} writes/s acknowledged while writing, then {(clock.Elapsed - writing).TotalSeconds:N1} s until every region applied them");
        return load.Written / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Lag at <paramref name="rate"/> writes/s offered for <paramref name="phase"/>, counted until every region applied everything.</summary>
    internal static async Task<LagFigures> LagAtAsync(BenchCluster cluster, LagListener lag, int rate, TimeSpan phase) =>
        LagListener.Percentiles(await LagSamplesAtAsync(cluster, lag, rate, phase));

    /// <summary>Every lag sample (ms) of <see cref="LagAtAsync"/>, to pool several windows' samples.</summary>
    internal static async Task<double[]> LagSamplesAtAsync(BenchCluster cluster, LagListener lag, int rate, TimeSpan phase)
    {
        lag.Start();
        await new LoadDriver(cluster).OpenLoopAsync(rate, phase);
        await BenchCluster.WaitAsync(cluster.DrainedAsync, TimeSpan.FromMinutes(2));
        return lag.StopSamples();
    }

    /// <summary>The cluster's last region cut off from all others for <paramref name="cut"/> under load, then how long it takes to catch up.</summary>
    private static async Task<CatchUp> CutAsync(BenchCluster cluster, TimeSpan cut)
    {
        var (first, cutOff) = (cluster.Regions[0], cluster.Regions[^1]);
        cluster.Cut(cutOff, cut: true);
        var load = new LoadDriver(cluster);
        await load.OpenLoopAsync(2000, cut);
        GC.Collect();
        var workingSetMb = Process.GetCurrentProcess().WorkingSet64 / 1048576.0;
        var heapMb = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        var backlog = await cluster.Store(first).BacklogAsync(cutOff);
        var clock = Stopwatch.StartNew();
        cluster.Cut(cutOff, cut: false);
        await BenchCluster.WaitAsync(cluster.ConvergedAsync, TimeSpan.FromMinutes(5));
        return new CatchUp(cut.TotalSeconds, load.Written, backlog.Rows, clock.Elapsed.TotalSeconds, workingSetMb, heapMb);
    }

    internal static void Log(string message) => Console.Error.WriteLine($"[bench {DateTime.Now:HH:mm:ss}] {message}");
}
