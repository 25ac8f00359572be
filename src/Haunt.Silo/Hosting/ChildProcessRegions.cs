using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Hosting;

namespace Haunt.Silo.Hosting;

/// <summary>
/// osaka, seoul and nyc as three `silo` child processes on one SQLite cluster file (or, given a PostgreSQL
/// connection string, with cluster tables and regional stores in that database), and this process as an
/// Orleans client of theirs. Children stop when their stdin closes, so they never outlive `up`, even if it
/// is killed.
/// </summary>
public sealed class ChildProcessRegions(string dataDirectory, string? postgres = null) : IRegionHost
{
    private readonly Dictionary<string, Process> _children = [];
    private IHost? _client;

    public IGrainFactory Grains => _client!.Services.GetRequiredService<IClusterClient>();

    public string ClusterDatabasePath => Path.Combine(dataDirectory, "cluster.db");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        // `up` owns this cluster: membership rows of an earlier run would only slow the start.
        foreach (var file in new[] { "", "-wal", "-shm" }.Select(s => ClusterDatabasePath + s).Where(File.Exists))
        {
            File.Delete(file);
        }

        if (postgres is not null)
        {
            ClusterDatabase.ForgetMembersPostgres(postgres, "haunt");
        }

        foreach (var region in KnownRegions.All)
        {
            _children[region] = await StartChildAsync(region, cancellationToken);
            var endpoints = SiloEndpoints.DefaultFor(region);
            Console.WriteLine($"{region,-6} silo up (pid {_children[region].Id}): API {endpoints.HttpUrl}/api/sync/health  OpenAPI UI {endpoints.HttpUrl}/scalar/  dashboard {endpoints.HttpUrl}/dashboard/  log {LogPath(region)}");
        }

        var (invariant, connection) = postgres is null ? ("System.Data.SQLite", ClusterDatabase.ConnectionString(ClusterDatabasePath)) : ("Npgsql", postgres);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning); // the live view owns the console
        builder.Logging.AddFilter("Orleans.Messaging", LogLevel.Error);
        _client = builder.UseOrleansClient(client =>
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(o => { o.ClusterId = "haunt"; o.ServiceId = "haunt"; });
            client.UseAdoNetClustering(o => { o.Invariant = invariant; o.ConnectionString = connection; });
            // A killed silo's gateway strands the calls sent through it until they time out: keep that short.
            client.Configure<Orleans.Configuration.ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
        }).Build();
        await _client.StartAsync(cancellationToken);
        Console.WriteLine($"To restart a silo you killed: dotnet run --project src/Haunt.Silo -- silo --region <region> --data {dataDirectory} --development" +
            (postgres is null ? "" : $" --cluster-postgres \"{postgres}\" --store-postgres \"{postgres}\""));
    }

    private string LogPath(string region) => Path.Combine(dataDirectory, $"{region}.log");

    private async Task<Process> StartChildAsync(string region, CancellationToken cancellationToken)
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
        foreach (var arg in prefix.Concat(["silo", "--region", region, "--data", dataDirectory, "--development", "--stop-on-stdin-close", .. database]))
        {
            start.ArgumentList.Add(arg);
        }

        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StreamWriter(LogPath(region), append: false) { AutoFlush = true };
        var child = new Process { StartInfo = start, EnableRaisingEvents = true };
        child.OutputDataReceived += (_, e) => Record(e.Data);
        child.ErrorDataReceived += (_, e) => Record(e.Data);
        child.Exited += (_, _) => up.TrySetException(new InvalidOperationException($"The {region} silo exited at start; see {LogPath(region)}."));
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
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }

        foreach (var child in _children.Values.Reverse())
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
