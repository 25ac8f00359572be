using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Haunt.Tests.Processes;

/// <summary>
/// A regional silo as a real child process (`Haunt.Silo silo --region …`), killable with kill -9. With a
/// PostgreSQL connection string, both its cluster tables and its regional store live in that database.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly string _region;
    private readonly string _dataDirectory;
    private readonly string? _postgres;
    private readonly (int Silo, int Gateway, int Http) _ports;
    private Process? _process;

    public SiloProcess(string region, string dataDirectory, string? postgres = null)
    {
        _region = region;
        _dataDirectory = dataDirectory;
        _postgres = postgres;
        _ports = (FreePort(), FreePort(), FreePort());
    }

    public int GatewayPort => _ports.Gateway;

    /// <summary>The process's console output, kept next to its data for post-mortems.</summary>
    public string LogPath => Path.Combine(_dataDirectory, $"{_region}.log");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the process and returns once it printed that its silo is up.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Silos end by kill -9 and so never remove the runtime's debugger pipes and diagnostic socket from /tmp.
            Environment = { ["DOTNET_EnableDiagnostics"] = "0" },
        };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Haunt.Silo.dll"), "silo", "--region", _region, "--data", _dataDirectory,
            "--development", "--fast-failure-detection", "--silo-port", $"{_ports.Silo}", "--gateway-port", $"{_ports.Gateway}",
            "--http-port", $"{_ports.Http}",
        })
        {
            start.ArgumentList.Add(arg);
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
