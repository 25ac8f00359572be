using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Haunt.Silo.Hosting;
using Haunt.Tests.Api;
using Haunt.Tests.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Haunt.Tests.Telemetry;

/// <summary>
/// Issue 25, item 5: with Haunt:Telemetry:JsonLogs a silo's console writes one JSON object a line carrying the trace
/// id of the activity that logged, and Logging:… still decides, Orleans' categories included. Built, not started:
/// the silo's own console formatter writes into a buffer, with the scopes the silo's logger factory hands its providers.
/// </summary>
public sealed class JsonLogTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"haunt-log-tests-{Guid.NewGuid():N}");
    private readonly ScopeCapture _scopes = new();
    private WebApplication? _silo;

    public async Task InitializeAsync()
    {
        var peers = KnownRegions.PeersOf(KnownRegions.Osaka).ToDictionary(p => p, _ => (IReadOnlyList<IPEndPoint>)[new IPEndPoint(IPAddress.Loopback, 1)]);
        var settings = LocalSiloSettings.For(KnownRegions.Osaka, _data, new SiloEndpoints(1, 2, 3), HauntSiloConfigurator.ClusterKey, peers, TestTokens.Settings);
        settings["Haunt:Telemetry:JsonLogs"] = "true";
        settings["Logging:LogLevel:Orleans.Runtime.Watchdog"] = "Warning"; // a default of the silo's, overridden
        _silo = await RegionalSilo.BuildAsync(settings.ToConfiguration(), silo => silo.Services.AddSingleton<ILoggerProvider>(_scopes));
    }

    [Fact]
    public void A_line_logged_under_an_activity_is_json_with_its_trace_id()
    {
        var services = _silo!.Services;
        var loggers = services.GetRequiredService<ILoggerFactory>(); // hands its scope provider (with the activity's ids) to the providers
        Assert.NotNull(loggers);
        var name = services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName;
        var formatter = Assert.Single(services.GetServices<ConsoleFormatter>(), f => f.Name == name);
        using var activity = new Activity("haunt-test").SetIdFormat(ActivityIdFormat.W3C).Start();
        using var line = new StringWriter();

        formatter.Write(new LogEntry<string>(LogLevel.Warning, "Haunt.Test", new EventId(7), "peer seoul unreachable", null, (s, _) => s), _scopes.Provider, line);

        using var json = JsonDocument.Parse(line.ToString());
        Assert.Equal("peer seoul unreachable", json.RootElement.GetProperty("Message").GetString());
        Assert.Equal("Warning", json.RootElement.GetProperty("LogLevel").GetString());
        var scopes = json.RootElement.GetProperty("Scopes").EnumerateArray().ToList();
        Assert.Contains(scopes, s => s.TryGetProperty("TraceId", out var trace) && trace.GetString() == activity.TraceId.ToHexString());
    }

    [Fact]
    public void Orleans_categories_keep_the_level_the_configuration_gives_them()
    {
        var loggers = _silo!.Services.GetRequiredService<ILoggerFactory>();
        Assert.True(loggers.CreateLogger("Orleans.Runtime.Watchdog").IsEnabled(LogLevel.Warning));
        Assert.False(loggers.CreateLogger("Orleans.Runtime.Messaging").IsEnabled(LogLevel.Information));
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        try { Directory.Delete(_data, recursive: true); } catch (DirectoryNotFoundException) { /* nothing was written */ }
    }

    /// <summary>A provider that logs nothing and keeps the scope provider the logger factory gives every provider.</summary>
    private sealed class ScopeCapture : ILoggerProvider, ISupportExternalScope
    {
        public IExternalScopeProvider? Provider { get; private set; }

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => Provider = scopeProvider;

        public ILogger CreateLogger(string categoryName) => NullLogger.Instance;

        public void Dispose()
        {
        }
    }
}
