using Microsoft.Playwright;

namespace Haunt.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright (browsers cannot be downloaded here, so Playwright gets the system
/// binary). Where it is missing the browser tests are skipped with the reason, except under CI=true, where
/// `.ci/install-chromium` must have installed it and they fail instead.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string Path = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser? Browser { get; private set; }

    public static string? Unavailable => File.Exists(Path) ? null : $"{Path} is not installed (apt-get install chromium; .ci/install-chromium does it in CI)";

    public async Task InitializeAsync()
    {
        if (Unavailable is not null)
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            // As root, without a GPU, on a machine whose network is closed: no sandbox, no background calls home.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>Skips the calling test with the reason where Chromium is missing, fails it under CI=true.</summary>
    public IBrowser Require()
    {
        if (Unavailable is { } reason)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                throw new InvalidOperationException($"Browser tests must run in CI: {reason}");
            }

            Skip.If(true, reason);
        }

        return Browser!;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
