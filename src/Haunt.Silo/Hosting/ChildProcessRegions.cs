using System.Diagnostics;
using System.Reflection;

namespace Haunt.Silo.Hosting;

/// <summary>
/// The regions of <paramref name="regions"/> (default osaka, seoul and nyc) as `silo` child processes (<paramref name="silosPerRegion"/> per region), each region its
/// own cluster (its own SQLite cluster file, or given a PostgreSQL connection string its own schemas in that
/// database), joined by their peer links on loopback; every silo is told every gateway of the other regions, each
/// region's first silo runs the background <paramref name="load"/> (Haunt:Load), and with <paramref name="tls"/>
/// each silo gets the development CA's certificate of its region; with <paramref name="metrics"/> each serves its Prometheus scrape endpoint
/// (Haunt:Telemetry:Prometheus, the default port). Children stop when their stdin closes, so they
/// never outlive `up`, even if it is killed.
/// </summary>
public sealed class ChildProcessRegions(string dataDirectory, string? postgres = null, int silosPerRegion = 1, bool tls = false, Trading.Load.LoadOptions? load = null,
    RegionSet? regions = null, bool metrics = false) : IRegionHost
{
    private readonly RegionSet _regions = regions ?? RegionSet.Default;

    private readonly List<Process> _children = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        foreach (var region in _regions.All)
        {
            ForgetEarlierMembers(region);
        }

        foreach (var region in _regions.All)
        {
            for (var index = 0; index < silosPerRegion; index++)
            {
                var child = await StartChildAsync(region, index, cancellationToken);
                _children.Add(child);
                var endpoints = SiloEndpoints.DefaultFor(region, index: index, regions: _regions);
                var api = endpoints.ApiUrl(tls);
                Console.WriteLine($"{region,-6} silo {index} up (pid {child.Id}, cluster {RegionCluster.IdOf(region)}, silo port {endpoints.SiloPort}): API {api}/api/sync/health  " +
                    $"OpenAPI UI {api}/scalar/  dashboard {api}/dashboard/  log {LogPath(region, index)}");
            }
        }

        Console.WriteLine($"To restart a silo you killed: dotnet run --project src/Haunt.Silo -- silo --region <region>{(silosPerRegion > 1 ? " --silo-index <n> --fast-failure-detection" : "")} --data {dataDirectory} --development" +
            (postgres is null ? "" : $" --cluster-postgres \"{postgres}\" --store-postgres \"{postgres}\"") +
            (_regions.Count != RegionSet.Default.Count || !_regions.All.SequenceEqual(RegionSet.Default.All) ? $" (and Haunt__Regions={string.Join(',', _regions.All)})" : "") +
            (silosPerRegion > 1 ? $" (and Haunt__Peers__<other region>=<its gateways> as `up` set them: {Gateways(_regions.Primary)} for {_regions.Primary})" : "") +
            (tls ? $" (and Haunt__Tls__Certificate, Haunt__Tls__Key, Haunt__Tls__Authority: the region's files in {Path.Combine(dataDirectory, "tls")})" : ""));
    }

    private string LogPath(string region, int index) => Path.Combine(dataDirectory, index == 0 ? $"{region}.log" : $"{region}-{index}.log");

    /// <summary>A region's gateways as the peer setting lists them.</summary>
    private string Gateways(string region) => string.Join(',', PeerAddresses.LoopbackGateways(region, silos: silosPerRegion, regions: _regions));

    /// <summary>`up` owns these clusters: membership rows of an earlier run would only slow the start.</summary>
    private void ForgetEarlierMembers(string region)
    {
        if (postgres is not null)
        {
            ClusterDatabase.ForgetMembersPostgres(ClusterDatabase.ForRegionPostgres(postgres, region), RegionCluster.IdOf(region));
            return;
        }

        var file = ClusterDatabase.DefaultPath(dataDirectory, region);
        foreach (var path in new[] { "", "-wal", "-shm" }.Select(s => file + s).Where(File.Exists))
        {
            File.Delete(path);
        }
    }

    private async Task<Process> StartChildAsync(string region, int index, CancellationToken cancellationToken)
    {
        var (file, prefix) = SelfCommand();
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] database = postgres is null ? [] : ["--cluster-postgres", postgres, "--store-postgres", postgres];
        // With several silos a region lives through the loss of one: notice it in seconds, not in a minute.
        string[] failover = silosPerRegion > 1 ? ["--fast-failure-detection"] : [];
        foreach (var arg in prefix.Concat(["silo", "--region", region, "--silo-index", $"{index}", "--data", dataDirectory, "--development", "--stop-on-stdin-close",
            .. database, .. failover]))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Haunt__Regions"] = string.Join(',', _regions.All);
        start.Environment["Haunt__PrimaryRegion"] = _regions.Primary;
        if (metrics)
        {
            start.Environment["Haunt__Telemetry__Prometheus__Enabled"] = "true";
        }
        foreach (var peer in _regions.PeersOf(region))
        {
            start.Environment[$"Haunt__Peers__{peer}"] = Gateways(peer);
        }

        if (tls)
        {
            var files = Security.DevelopmentCertificates.LoadOrCreate(dataDirectory, region);
            (start.Environment["Haunt__Tls__Certificate"], start.Environment["Haunt__Tls__Key"], start.Environment["Haunt__Tls__Authority"]) =
                (files.Certificate, files.Key, files.Authority);
        }

        if (index == 0 && load is not null)
        {
            foreach (var (key, value) in load.ToSettings())
            {
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
        }

        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StreamWriter(LogPath(region, index), append: false) { AutoFlush = true };
        var child = new Process { StartInfo = start, EnableRaisingEvents = true };
        child.OutputDataReceived += (_, e) => Record(e.Data);
        child.ErrorDataReceived += (_, e) => Record(e.Data);
        child.Exited += (_, _) => up.TrySetException(new InvalidOperationException($"The {region} silo {index} exited at start; see {LogPath(region, index)}."));
        child.Start();
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        await up.Task.WaitAsync(TimeSpan.FromSeconds(90), cancellationToken);
        return child;

        void Record(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (log)
            {
                log.WriteLine(line);
            }

            if (line.Contains("silo up", StringComparison.Ordinal))
            {
                up.TrySetResult();
            }
        }
    }

    /// <summary>How to start this program again: its apphost, or `dotnet Haunt.Silo.dll`.</summary>
    private static (string File, string[] Prefix) SelfCommand()
    {
        var process = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? (process, [Assembly.GetEntryAssembly()!.Location])
            : (process, []);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var child in Enumerable.Reverse(_children))
        {
            try
            {
                child.StandardInput.Close(); // asks the silo to stop cleanly
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await child.WaitForExitAsync(wait.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
            {
                if (!child.HasExited)
                {
                    child.Kill(entireProcessTree: true);
                }
            }

            child.Dispose();
        }
    }
}
