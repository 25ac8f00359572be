using System.Diagnostics;

namespace Haunt.Tests.Partitions;

/// <summary>
/// iproute2's `ip`, the only network tool the partition tests use: no tc/netem or iptables here, and a cut
/// made with `ip` (a link down, a blackhole rule) drops packets silently, like a real one.
/// </summary>
public static class IpCommand
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    /// <summary>The full path of `ip`, or null: root's PATH has /usr/sbin, a test runner's may not.</summary>
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
        .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
        .Where(dir => dir.Length > 0)
        .Select(dir => System.IO.Path.Combine(dir, "ip"))
        .FirstOrDefault(File.Exists);

    /// <summary>Runs `ip args…` and returns its output; a non-zero exit throws with ip's own message.</summary>
    public static async Task<string> RunAsync(params string[] args)
    {
        var (code, output, error) = await TryRunAsync(args);
        return code == 0 ? output : throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({code}): {error.Trim()}");
    }

    /// <summary>Runs `ip args…` and reports how it went: for teardown, where a missing link is not an error.</summary>
    public static async Task<(int Code, string Output, string Error)> TryRunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Path ?? "ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"ip {string.Join(' ', args)} did not finish within {s_timeout.TotalSeconds:0}s");
        }

        return (process.ExitCode, await output, await error);
    }
}
