using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Haunt.Trading.Bots;
using Haunt.Silo.Hosting;
using Haunt.Trading.Load;
using Haunt.Silo.Security;

namespace Haunt.Silo.Cli;

/// <summary>
/// `up`: the regions (--regions, default osaka, seoul and nyc) on loopback, each its own Orleans cluster joined to the
/// others by the peer link — a silo process per region, or with --in-process silos in this process — started one after another, trading load in all, and a
/// status view refreshed every second. With --for N it stops the load after N seconds, waits for the regions
/// to converge, prints a summary (and with --json a last line of JSON) and exits non-zero if they did not.
/// </summary>
public static class UpCommand
{
    public static Command Create()
    {
        var forOption = new Option<int?>("--for") { Description = "Stop after N seconds, drain, report and exit." };
        var jsonOption = new Option<bool>("--json") { Description = "Print the final summary as one JSON line." };
        var dataOption = new Option<string>("--data") { Description = "Data folder for the regional SQLite files.", DefaultValueFactory = _ => "data" };
        var rateOption = new Option<int>("--rate") { Description = "Background writes per second per region besides the bots (orders and the other entity types).", DefaultValueFactory = _ => 50 };
        var inProcess = new Option<bool>("--in-process") { Description = "Run the three silos inside this process instead of as child processes." };
        var postgres = new Option<string?>("--postgres") { Description = "PostgreSQL connection string: cluster tables and the three regional stores (schemas haunt_<region>) in that database instead of SQLite files." };
        var silos = new Option<int>("--silos-per-region") { Description = "Silos in each region's cluster (1–10); with 2 or more a region survives the loss of one.", DefaultValueFactory = _ => 1 };
        silos.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > SiloEndpoints.MaxSilosPerRegion)
            {
                r.AddError($"--silos-per-region must be 1–{SiloEndpoints.MaxSilosPerRegion}.");
            }
        });
        var regionsOption = new Option<string?>("--regions") { Description = "The regions to run, in rank order, comma-separated (default osaka,seoul,nyc; the first is the primary)." };
        regionsOption.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } list && RegionSet.Problem(list.Split(',', StringSplitOptions.TrimEntries), null) is { } problem)
            {
                r.AddError($"--regions: {problem}");
            }
        });
        var tlsOption = new Option<bool>("--tls") { Description = "HTTPS for the APIs and mutual TLS on every Orleans connection, with a development CA made in <data>/tls." };
        var metricsOption = new Option<bool>("--metrics") { Description = "A Prometheus scrape endpoint on every silo (/metrics on its HTTP port + 4000: 9101 for the first region's)." };
        var command = new Command("up", "Run the regions (default osaka, seoul and nyc) on loopback with trading load and a live status view.")
        {
            forOption, jsonOption, dataOption, rateOption, inProcess, postgres, silos, regionsOption, tlsOption, metricsOption,
        };
        command.SetAction((parse, cancel) => RunAsync(parse.GetValue(forOption), parse.GetValue(jsonOption),
            parse.GetValue(dataOption)!, parse.GetValue(rateOption), parse.GetValue(inProcess), parse.GetValue(postgres), parse.GetValue(silos),
            parse.GetValue(regionsOption) is { } list ? new RegionSet(list.Split(',', StringSplitOptions.TrimEntries)) : RegionSet.Default,
            parse.GetValue(tlsOption), parse.GetValue(metricsOption), cancel));
        return command;
    }

    private static async Task<int> RunAsync(int? seconds, bool json, string data, int rate, bool inProcess, string? postgres, int silos, RegionSet regionSet,
        bool withTls, bool metrics, CancellationToken cancel)
    {
        data = Path.GetFullPath(data);
        // Made before the silos start, so they all verify tokens with the same development key.
        var auth = new AuthSettings { SigningKeys = [ClusterKeyFile.LoadOrCreate(data, ClusterKeyFile.TokenSigningKey)] };
        // Each region's silos get a certificate of their region from one development CA; `up` itself needs only the CA.
        var tls = withTls ? DevelopmentCertificates.LoadOrCreate(data, regionSet.Primary) : null;
        var link = tls?.Load();
        var load = new LoadOptions { WritesPerSecond = rate, StopAfter = seconds is { } s ? TimeSpan.FromSeconds(s) : null };
        PrintConsole(auth, tls, regionSet);
        await using IRegionHost regions = inProcess
            ? new InProcessRegions(data, ClusterKeyFile.LoadOrCreate(data), auth, postgres, silos, withTls, load, regionSet, metrics)
            : new ChildProcessRegions(data, postgres, silos, withTls, load, regionSet, metrics);
        await regions.StartAsync(cancel);
        PrintTokens(auth, data, tls, regionSet);
        if (metrics)
        {
            PrintMetrics(tls is not null, silos, regionSet);
        }

        using var apis = new RegionApis(auth, link, silos, regionSet);

        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var bots = new BotRunner((region, user) => RegionApis.Client(SiloEndpoints.DefaultFor(region, regions: regionSet).ApiUrl(link is not null),
            TokenIssuer.Mint(auth, user, [], TimeSpan.FromDays(1)), link, TimeSpan.FromSeconds(30)), regionSet.All);
        var botTask = bots.RunAsync(stopLoad.Token);
        Console.WriteLine($"Trading: GrandmaBot, CryptoBroBot, QuantBot and ScalperBot in every region over its API, plus {rate} background writes/s of every entity type run by each region's first silo.");
        var view = new LiveView();
        var clock = Stopwatch.StartNew();
        IReadOnlyList<RegionSnapshot>? lastSeen = null;
        while (!cancel.IsCancellationRequested && (seconds is null || clock.Elapsed < TimeSpan.FromSeconds(seconds.Value)))
        {
            await Task.Delay(1000, cancel).ContinueWith(_ => { }, TaskScheduler.Default);
            if (!json && !cancel.IsCancellationRequested)
            {
                lastSeen = await SnapshotAsync(apis, regionSet);
                view.Print(lastSeen, clock.Elapsed);
            }
        }

        await stopLoad.CancelAsync();
        await botTask;
        // Ctrl+C: report where things stand and stop at once; --for: give replication a minute to drain (the silos'
        // own load stopped by then: it runs for --for seconds from each region's start, and the clock above began after the last).
        var snapshots = await WaitForConvergenceAsync(apis, regionSet, cancel.IsCancellationRequested ? TimeSpan.Zero : TimeSpan.FromSeconds(60));
        // Ctrl+C in a terminal stops the silo processes too (one process group): then the last look before it says more.
        var stoppedWithSilos = cancel.IsCancellationRequested && lastSeen is not null && snapshots.All(s => !s.Up);
        snapshots = stoppedWithSilos ? lastSeen! : snapshots;
        var converged = ConvergenceVerdict.Converged(snapshots);
        if (!json)
        {
            foreach (var group in bots.Bots.GroupBy(b => b.Name))
            {
                Console.WriteLine($"  {group.Key,-13} {group.Sum(b => b.Orders),6} orders in {string.Join(", ", group.Select(b => $"{b.Region} {b.Orders}"))}");
            }
        }

        PrintSummary(snapshots, converged, json, bots.Bots.Sum(b => b.Orders), bots.Bots.Sum(b => b.Refused));
        if (cancel.IsCancellationRequested)
        {
            Console.WriteLine((stoppedWithSilos ? "Figures as of the last second before Ctrl+C. " : "") +
                "Stopped by Ctrl+C: changes still in flight stay in the outboxes and replicate on the next start.");
            return 0;
        }

        return converged ? 0 : 1;
    }

    /// <summary>First of all, where to look: the sync console of each region, opened as the operator (the token goes into a cookie).</summary>
    private static void PrintConsole(AuthSettings auth, TlsSettings? tls, RegionSet regions)
    {
        // On the developer's own machine the console may show the conflicting states too (the auditor role).
        var token = TokenIssuer.Mint(auth, "operator", [HauntPolicies.OperatorRole, HauntPolicies.AuditorRole], TimeSpan.FromHours(12));
        Console.WriteLine($"Sync console: {SiloEndpoints.DefaultFor(regions.All[0], regions: regions).ApiUrl(tls is not null)}/?access_token={token}");
        Console.WriteLine($"  (the same page in every region: {string.Join(", ", regions.All.Skip(1).Select(r => SiloEndpoints.DefaultFor(r, regions: regions).ApiUrl(tls is not null) + "/"))}; " +
            "ready once the regions below are up)");
    }

    /// <summary>Every HTTP endpoint but the liveness probe wants a token: two to start with, and how to get more.</summary>
    private static void PrintTokens(AuthSettings auth, string data, TlsSettings? tls, RegionSet regions)
    {
        var lifetime = TimeSpan.FromHours(12);
        var user = TokenIssuer.Mint(auth, "alice", [], lifetime);
        var op = TokenIssuer.Mint(auth, "operator", [HauntPolicies.OperatorRole], lifetime);
        var first = SiloEndpoints.DefaultFor(regions.All[0], regions: regions).ApiUrl(tls is not null);
        Console.WriteLine($"Tokens (valid 12 h; more: dotnet run --project src/Haunt.Silo -- token --user <name> [--role operator] --data {data}):");
        Console.WriteLine($"  alice (trades her own portfolios): {user}");
        Console.WriteLine($"  operator (sync API, reconcile, dashboard, API reference): {op}");
        Console.WriteLine($"  e.g. curl {(tls is null ? "" : $"--cacert {tls.Authority} ")}-H \"Authorization: Bearer <token>\" {first}/api/sync/health   " +
            $"dashboard in a browser: {first}/dashboard/?access_token=<operator token>");
    }

    /// <summary>Where Prometheus scrapes each silo (no token: the port is the boundary; see README "Operating").</summary>
    private static void PrintMetrics(bool tls, int silos, RegionSet regions)
    {
        var urls = regions.All.SelectMany(r => Enumerable.Range(0, silos).Select(i => SiloEndpoints.DefaultFor(r, index: i, regions: regions)))
            .Select(e => $"{(tls ? "https" : "http")}://127.0.0.1:{new Telemetry.TelemetrySettings().MetricsPort(e)}/metrics");
        Console.WriteLine($"Metrics (Prometheus scrape endpoints): {string.Join("  ", urls)}");
    }

    private static async Task<IReadOnlyList<RegionSnapshot>> SnapshotAsync(RegionApis apis, RegionSet regions) =>
        await Task.WhenAll(regions.All.Select(r => apis.SnapshotAsync(r)));

    private static async Task<IReadOnlyList<RegionSnapshot>> WaitForConvergenceAsync(RegionApis apis, RegionSet regions, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var snapshots = await SnapshotAsync(apis, regions);
            if (ConvergenceVerdict.Converged(snapshots) || deadline.Elapsed > timeout)
            {
                return snapshots;
            }

            // Two sync API reads per region per look: once a second stays inside the operator's rate limit
            // (Haunt:RateLimits:SyncPerUser, 3/s), which five looks a second ran past, so every look then got 429s.
            await Task.Delay(1000);
        }
    }

    private static void PrintSummary(IReadOnlyList<RegionSnapshot> snapshots, bool converged, bool json, long orders, long refused)
    {
        Console.WriteLine($"Stopped. {snapshots.Sum(s => s.LocalWrites)} local writes in the regions, {orders} of them bot orders ({refused} orders refused by trading rules " +
            $"or by a region that was down). Converged: {ConvergenceVerdict.Describe(snapshots, "yes", "NO")}.");
        var width = snapshots.Max(s => s.Region.Length);
        foreach (var s in snapshots)
        {
            Console.WriteLine($"  {s.Region.PadRight(width)} entities {s.Entities,7}  digest {(s.Up ? s.Digest[..16] : "(down)")}  conflicts {s.Conflicts}  {LiveView.Silos(s)}");
        }

        if (json)
        {
            var summary = new
            {
                converged,
                regions = snapshots.ToDictionary(s => s.Region, s => new
                {
                    cluster = RegionCluster.IdOf(s.Region),
                    entities = s.Entities,
                    digest = s.Digest,
                    conflicts = s.Conflicts,
                    silos = s.Silos.Select(silo => new { address = silo.Address, status = silo.Status }),
                }),
            };
            Console.WriteLine(JsonSerializer.Serialize(summary));
        }
    }
}
