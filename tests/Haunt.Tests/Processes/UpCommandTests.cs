using System.Diagnostics;
using System.Text.Json;

namespace Haunt.Tests.Processes;

/// <summary>
/// Issue 21, item 4: `up --regions` runs another set of regions than the default three, with bots and background
/// writes in each, and reports every one of them converged. The real command in a process of its own, as a developer
/// runs it (in-process silos, so one process to clean up); it uses `up`'s fixed default ports, which lie below the
/// range the other tests draw free ports from.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class UpCommandTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"haunt-up-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    [Fact]
    public async Task Issue_21_up_with_four_regions_trades_in_all_four_and_reports_them_converged()
    {
        string[] regions = ["osaka", "seoul", "nyc", "frankfurt"];
        var (exit, output, errors) = await RunUpAsync(["--in-process", "--regions", string.Join(',', regions), "--for", "6", "--rate", "20", "--json"], TimeSpan.FromMinutes(3));

        Assert.True(exit == 0, $"up exited {exit}:\n{output}\n{errors}");
        // The summary line; the in-process silos may log their shutdown after it.
        var summary = JsonDocument.Parse(output.Split('\n').Last(line => line.StartsWith("{\"converged\"", StringComparison.Ordinal))).RootElement;
        Assert.True(summary.GetProperty("converged").GetBoolean(), output);
        var reported = summary.GetProperty("regions").EnumerateObject().ToList();
        Assert.Equal(regions, reported.Select(r => r.Name));
        Assert.Single(reported.Select(r => r.Value.GetProperty("digest").GetString()).Distinct());
        Assert.All(reported, r => Assert.True(r.Value.GetProperty("entities").GetInt64() > 0, $"{r.Name} holds nothing"));
        Assert.Equal("haunt-frankfurt", reported[^1].Value.GetProperty("cluster").GetString());
    }

    private async Task<(int Exit, string Output, string Errors)> RunUpAsync(IEnumerable<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["DOTNET_EnableDiagnostics"] = "0" },
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Haunt.Silo.dll"), "up", "--data", _data }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"up did not end within {timeout}:\n{await stdout}", await stderr);
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
