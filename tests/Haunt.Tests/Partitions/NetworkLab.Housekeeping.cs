using System.Diagnostics;
using Haunt.Tests.Cluster;
using Haunt.Tests.Dialects;

namespace Haunt.Tests.Partitions;

/// <summary>Whether a lab can be built here, and clearing away what a crashed run left behind.</summary>
public sealed partial class NetworkLab
{
    /// <summary>Why namespaces cannot be made here, or null. Under CI=true that throws instead: CI installs iproute2 and runs as root.</summary>
    public static async Task<string?> FindUnavailableReasonAsync()
    {
        var reason = !OperatingSystem.IsLinux() ? "Network namespaces need Linux."
            : !Environment.IsPrivilegedProcess ? "Network namespaces need root (ip netns add)."
            : IpCommand.Path is null ? "iproute2's `ip` is not installed (apt-get install iproute2)."
            : await ProbeAsync();
        return reason is not null && PostgresServer.InCi ? throw new InvalidOperationException("CI=true but " + reason) : reason;
    }

    /// <summary>Kills what still runs inside first: a namespace outlives its name while a process (an orphaned silo) is in it.</summary>
    private static async Task DeleteNamespaceAsync(string name)
    {
        var (_, pids, _) = await IpCommand.TryRunAsync("netns", "pids", name);
        foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                using var process = Process.GetProcessById(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
                process.Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Already gone.
            }
        }

        await IpCommand.TryRunAsync("netns", "delete", name);
    }

    /// <summary>Namespaces named haunt-&lt;pid&gt;-… whose owning test process is gone: a run that crashed or was killed.</summary>
    private static async Task RemoveLeftoversAsync()
    {
        var names = (await IpCommand.RunAsync("netns", "list")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')[0]);
        foreach (var name in names.Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var parts = name.Split('-');
            if (parts.Length == 4 && int.TryParse(parts[1], out var owner) && !Directory.Exists($"/proc/{owner}"))
            {
                await DeleteNamespaceAsync(name);
            }
        }
    }

    /// <summary>The 10.78 client subnets live in the root namespace: a deleted lab's ends go lazily, another live lab's never.</summary>
    private static Task WaitForFreeClientSubnetsAsync() => Eventually.WaitUntilAsync(
        async () => (await IpCommand.RunAsync("-4", "-o", "addr", "show", "to", "10.78.0.0/16")).Trim().Length == 0,
        "10.78.0.0/16 is free in the root namespace (is another partition test run using it?)", TimeSpan.FromSeconds(10));

    private static async Task<string?> ProbeAsync()
    {
        var probe = $"{Prefix}{Environment.ProcessId}-probe-{Random.Shared.Next(0x10000):x4}";
        var (code, _, error) = await IpCommand.TryRunAsync("netns", "add", probe);
        await IpCommand.TryRunAsync("netns", "delete", probe);
        return code == 0 ? null : $"ip netns add failed: {error.Trim()}";
    }
}
