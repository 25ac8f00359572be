using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Haunt.Tests.Processes;

/// <summary>
/// A regional silo as a real child process (`Haunt.Silo silo --region …`), killable with kill -9: its own
/// region's cluster, its peers given as Haunt__Peers__&lt;region&gt;. With a PostgreSQL connection string, both its
/// cluster tables and its regional store live in that database (in the region's own schemas). A launcher
/// (e.g. `ip netns exec haunt-osaka`) runs it elsewhere, such as in a network namespace at <c>host</c>.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly string _region;
    private readonly string _dataDirectory;
    private readonly string? _postgres;
    private readonly SiloPorts _ports;
    private readonly IReadOnlyDictionary<string, string> _peers;
    private readonly string _host;
    private readonly IReadOnlyList<string> _launcher;
    private readonly bool _development;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private Process? _process;

    /// <param name="development">Passes --development (a local sync key); without it the caller sets the key in <paramref name="environment"/>.</param>
    /// <param name="environment">More settings for the process, as environment variables (Haunt__…).</param>
    public SiloProcess(string region, string dataDirectory, string? postgres, SiloPorts ports, IReadOnlyDictionary<string, string> peers,
        string host = "127.0.0.1", IReadOnlyList<string>? launcher = null, bool development = true, IReadOnlyDictionary<string, string>? environment = null)
    {
        _development = development;
        _environment = environment ?? new Dictionary<string, string>();
        _region = region;
        _dataDirectory = dataDirectory;
        _postgres = postgres;
        _ports = ports;
        _peers = peers;
        _host = host;
        _launcher = launcher ?? [];
    }

    /// <summary>osaka, seoul and nyc on loopback at free ports, one silo each, each told the others' gateways.</summary>
    public static Dictionary<string, SiloProcess> ForAllRegions(string dataDirectory, string? postgres) =>
        Regions(dataDirectory, postgres, osakaSilos: 1).ToDictionary(s => s.Region);

    /// <summary>
    /// The silos of osaka (<paramref name="osakaSilos"/> of them, first), seoul and nyc on loopback at free ports;
    /// each silo is told every gateway of the other regions, so a peer region still reaches osaka when one of its silos is gone.
    /// </summary>
    public static List<SiloProcess> Regions(string dataDirectory, string? postgres, int osakaSilos)
    {
        var ports = KnownRegions.All.ToDictionary(r => r, r => Enumerable.Range(0, r == KnownRegions.Osaka ? osakaSilos : 1)
            .Select(_ => new SiloPorts(FreePort(), FreePort(), FreePort())).ToList());
        return [.. KnownRegions.All.SelectMany(r => ports[r].Select(own => new SiloProcess(r, dataDirectory, postgres, own,
            KnownRegions.PeersOf(r).ToDictionary(p => p, p => string.Join(',', ports[p].Select(x => $"127.0.0.1:{x.Gateway}"))))))];
    }

    /// <summary>A second silo process for the same region and data, on fresh ports.</summary>
    public SiloProcess Twin() => new(_region, _dataDirectory, _postgres, new SiloPorts(FreePort(), FreePort(), FreePort()), _peers, _host, _launcher,
        _development, _environment);

    public string Region => _region;

    public int GatewayPort => _ports.Gateway;

    public int SiloPort => _ports.Silo;

    /// <summary>Whether the last started process has ended (killed, crashed or stopped); false before a start.</summary>
    public bool HasExited => _process is { HasExited: true };

    public string HttpUrl => $"http://{_host}:{_ports.Http}";

    /// <summary>The process's console output, kept next to its data for post-mortems (one per silo: a region may have several).</summary>
    public string LogPath => Path.Combine(_dataDirectory, $"{_region}-{_ports.Silo}.log");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Whether a start failed because a port found free was taken before the silo bound it (another test, or an
    /// outgoing connection's ephemeral port): at any depth, as Kestrel (AddressInUseException) and Orleans wrap it.
    /// </summary>
    public static bool IsPortTaken(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } or Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first of <paramref name="count"/> consecutive ports that are free now (TestCluster numbers a cluster's silos from a base port).</summary>
    public static int FreePorts(int count)
    {
        while (true)
        {
            var first = FreePort();
            var listeners = new List<TcpListener>();
            try
            {
                for (var port = first + 1; port < first + count; port++)
                {
                    var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    listeners.Add(listener);
                }

                return first;
            }
            catch (SocketException)
            {
                // One of the next ports is taken: look elsewhere.
            }
            finally
            {
                listeners.ForEach(l => l.Stop());
            }
        }
    }

    /// <summary>Starts the process and returns once it printed that its silo is up.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        Directory.CreateDirectory(_dataDirectory); // the log goes there, even when the silo refuses its settings at once
        var start = new ProcessStartInfo(_launcher.Count > 0 ? _launcher[0] : "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            // The silo stops when its stdin closes: a test host that crashes or is killed takes its silos with it.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Silos end by kill -9 and so never remove the runtime's debugger pipes and diagnostic socket from /tmp.
            Environment =
            {
                ["DOTNET_EnableDiagnostics"] = "0",
                ["Haunt__AdvertisedHost"] = _host,
                ["Haunt__Auth__SigningKeys__0"] = Api.TestTokens.SigningKey,
                // One test user from one address checks thousands of writes at the end: not the traffic the limits are for (LimitsAndRotationTests tests them).
                ["Haunt__RateLimits__PerUser"] = "100000",
                ["Haunt__RateLimits__PerAddress"] = "100000",
                ["Haunt__RateLimits__SyncPerUser"] = "100000",
                // The partition tests' steady writers open portfolios for that one user as long as they run (PortfolioQuotaTests test the quota).
                ["Haunt__Trading__MaxPortfoliosPerUser"] = "100000",
            },
        };
        foreach (var (peer, address) in _peers)
        {
            start.Environment[$"Haunt__Peers__{peer}"] = address;
        }

        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        foreach (var arg in _launcher.Skip(1).Concat(_launcher.Count > 0 ? ["dotnet"] : []).Concat(
        [
            Path.Combine(AppContext.BaseDirectory, "Haunt.Silo.dll"), "silo", "--region", _region, "--data", _dataDirectory,
            "--fast-failure-detection", "--stop-on-stdin-close", "--silo-port", $"{_ports.Silo}", "--gateway-port", $"{_ports.Gateway}",
            "--http-port", $"{_ports.Http}",
        ]))
        {
            start.ArgumentList.Add(arg);
        }

        if (_development)
        {
            start.ArgumentList.Add("--development");
        }

        if (_postgres is not null)
        {
            foreach (var arg in new[] { "--cluster-postgres", _postgres, "--store-postgres", _postgres })
            {
                start.ArgumentList.Add(arg);
            }
        }

        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.Enqueue(e.Data);
            File.AppendAllText(LogPath, e.Data + "\n");
            if (e.Data.Contains("silo up", StringComparison.Ordinal))
            {
                up.TrySetResult();
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
                File.AppendAllText(LogPath, e.Data + "\n");
            }
        };
        _process.Exited += (_, _) =>
        {
            _process.WaitForExit(); // drains the redirected output, so the message has the last lines
            // The silo's own one-line reasons (stderr) can come before Orleans' log lines (stdout): keep them first.
            var reasons = output.Where(l => l.StartsWith("haunt silo:", StringComparison.Ordinal));
            up.TrySetException(new InvalidOperationException($"{_region} silo exited: {string.Join('\n', reasons.Concat(output.TakeLast(20)))}"));
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await up.Task.WaitAsync(timeout);
    }

    /// <summary>kill -9: no shutdown, no goodbye to the cluster.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }
}

/// <summary>The silo, gateway and HTTP ports of one silo process.</summary>
public sealed record SiloPorts(int Silo, int Gateway, int Http);
