using System.Net;
using Haunt.Grains.Peers;
using Haunt.Grains.Sync;
using Haunt.Silo.Hosting;
using Haunt.Tests.Api;
using Haunt.Tests.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Haunt.Tests.Units;

/// <summary>
/// Issue 19, item 6: a silo is built from one configuration (the one the silo command reads from its JSON files,
/// the environment and its flags); every option of the silo binds from it, a reload of it reaches them, and bad
/// settings are named all at once. Built, not started (except where validation on start is the point).
/// </summary>
public sealed class SiloConfigurationTests : IAsyncLifetime
{
    private static readonly string s_other = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i + 100)).ToArray());
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"haunt-config-tests-{Guid.NewGuid():N}");
    private readonly SyncKeySettings _keys = new(HauntSiloConfigurator.ClusterKey);
    private WebApplication? _silo;

    private static Dictionary<string, string?> Settings(string data)
    {
        var peers = KnownRegions.PeersOf(KnownRegions.Osaka).ToDictionary(p => p, _ => (IReadOnlyList<IPEndPoint>)[new IPEndPoint(IPAddress.Loopback, 1)]);
        var settings = LocalSiloSettings.For(KnownRegions.Osaka, data, new SiloEndpoints(1, 2, 3), HauntSiloConfigurator.ClusterKey, peers, TestTokens.Settings);
        settings.Remove("Haunt:Sync:ClusterKey"); // from the reloadable key configuration below
        return settings;
    }

    public async Task InitializeAsync()
    {
        var settings = Settings(_data);
        (settings["Haunt:Sync:MaxBacklogRows"], settings["Haunt:Replicas:MaxCacheAge"], settings["Haunt:PeerLink:CallTimeout"]) = ("1234", "00:00:03", "00:00:04");
        settings["Logging:LogLevel:Haunt"] = "Error";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).AddConfiguration(_keys.Configuration).Build();
        _silo = await RegionalSilo.BuildAsync(configuration);
    }

    [Fact]
    public void Settings_from_the_one_configuration_reach_the_options_of_the_silo()
    {
        var services = _silo!.Services;
        var sync = services.GetRequiredService<IOptions<SyncOptions>>().Value;
        Assert.Equal(1234, sync.MaxBacklogRows);
        Assert.Equal(HauntSiloConfigurator.ClusterKey, sync.ClusterKey);
        Assert.Equal(TimeSpan.FromSeconds(3), services.GetRequiredService<IOptions<Haunt.Grains.Replication.ReplicaOptions>>().Value.MaxCacheAge);
        var peers = services.GetRequiredService<IOptions<PeerOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(4), peers.CallTimeout);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 1)], peers.GatewaysOf(KnownRegions.Seoul));
        Assert.Equal(3, services.GetRequiredService<IOptions<SiloHostOptions>>().Value.HttpPort);
        var loggers = services.GetRequiredService<ILoggerFactory>();
        Assert.False(loggers.CreateLogger("Haunt.Storage").IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("Orleans.Runtime").IsEnabled(LogLevel.Warning)); // the default stays Warning
        Assert.False(loggers.CreateLogger("Orleans.Runtime").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void A_silo_built_as_production_builds_it_has_no_test_seam_on_its_link()
    {
        Assert.Null(_silo!.Services.GetService<LinkFaults>());
        Assert.IsType<PeerReplicationLink>(_silo.Services.GetRequiredService<IReplicationLink>());
    }

    [Fact]
    public void A_key_rotation_in_the_reloaded_configuration_reaches_the_batch_codec()
    {
        var codec = _silo!.Services.GetRequiredService<BatchCodec>();
        _keys.Use(s_other, [HauntSiloConfigurator.ClusterKey]);

        Assert.Equal([HauntSiloConfigurator.ClusterKey], _silo.Services.GetRequiredService<IOptionsMonitor<SyncOptions>>().CurrentValue.AcceptedKeys);
        var batch = codec.Encode(KnownRegions.Osaka, KnownRegions.Seoul, 1, (IReadOnlyList<ChangeItem>)[]);
        Assert.Equal(BatchFault.None, BatchCodec.For(new SyncOptions { ClusterKey = s_other }).Decode(batch, SiloOf(KnownRegions.Seoul)).Fault);
        Assert.Equal(BatchFault.Forged, BatchCodec.For(new SyncOptions { ClusterKey = HauntSiloConfigurator.ClusterKey }).Decode(batch, SiloOf(KnownRegions.Seoul)).Fault);
    }

    [Fact]
    public async Task A_silo_in_development_without_a_key_signs_with_the_one_generated_in_its_data_folder()
    {
        var settings = Settings(_data);
        settings["Haunt:Development"] = "true";
        await using var silo = await RegionalSilo.BuildAsync(settings.ToConfiguration());

        Assert.Equal(ClusterKeyFile.LoadOrCreate(_data), silo.Services.GetRequiredService<IOptions<SyncOptions>>().Value.ClusterKey);
    }

    [Fact]
    public async Task Bad_silo_settings_are_all_named_at_once_before_anything_is_built()
    {
        var settings = Settings(_data);
        (settings["Haunt:Region"], settings["Haunt:HttpPort"], settings["Haunt:RateLimits:PerUser"]) = ("mars", "70000", "0");

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => RegionalSilo.BuildAsync(settings.ToConfiguration()));

        Assert.Equal(["Haunt:Region", "Haunt:HttpPort", "Haunt:RateLimits:PerUser", "Haunt:Sync:ClusterKey"], refused.Failures.Select(f => f.Split(' ')[0]));
    }

    [Theory]
    [InlineData("osaka,osaka", null, "listed twice")]
    [InlineData("osaka,Seoul", null, "'Seoul' is not a region name")]
    [InlineData("osaka,,seoul", null, "'' is not a region name")]
    [InlineData("r1,r2,r3,r4,r5,r6,r7,r8,r9,r10,r11,r12,r13,r14,r15,r16,osaka", null, "1–16 regions")]
    [InlineData("osaka,seoul", "nyc", "primary region 'nyc' is not one of")]
    [InlineData("frankfurt,seoul", null, "Haunt:Region must be one of frankfurt, seoul")]
    public async Task Issue_21_a_bad_region_set_is_refused_naming_the_setting(string regions, string? primary, string says)
    {
        var settings = Settings(_data);
        (settings["Haunt:Regions"], settings["Haunt:PrimaryRegion"]) = (regions, primary);

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => RegionalSilo.BuildAsync(settings.ToConfiguration()));

        var failure = Assert.Single(refused.Failures, f => f.StartsWith("Haunt:Region", StringComparison.Ordinal));
        Assert.Contains(says, failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue_21_a_silo_of_another_region_set_serves_its_region_of_that_set_with_ports_by_its_place_in_it()
    {
        var settings = Settings(Path.Combine(_data, "frankfurt"));
        settings.Remove("Haunt:Peers:seoul");
        settings.Remove("Haunt:Peers:nyc");
        settings.Remove("Haunt:SiloPort");
        settings.Remove("Haunt:GatewayPort");
        settings.Remove("Haunt:HttpPort");
        (settings["Haunt:Regions"], settings["Haunt:Peers:frankfurt"], settings["Haunt:Sync:ClusterKey"]) = ("frankfurt, osaka", "127.0.0.1:1", HauntSiloConfigurator.ClusterKey);

        await using var silo = await RegionalSilo.BuildAsync(settings.ToConfiguration());

        var region = silo.Services.GetRequiredService<SiloRegion>();
        Assert.Equal(("osaka", "frankfurt"), (region.Name, region.Regions.Primary));
        Assert.Equal(["frankfurt", "osaka"], region.Regions.All);
        Assert.Equal(["frankfurt"], region.Peers);
        Assert.Equal(SiloEndpoints.DefaultFor(KnownRegions.Seoul), silo.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value.Endpoints()); // second place: the default set's second ports
    }

    [Fact]
    public async Task Bad_feature_settings_are_all_named_at_once_when_the_silo_is_built()
    {
        var settings = Settings(_data);
        settings["Haunt:Sync:ClusterKey"] = HauntSiloConfigurator.ClusterKey;
        (settings["Haunt:Sync:BatchSize"], settings["Haunt:PeerLink:ReconnectDelay"], settings["Haunt:Replicas:MaxCacheAge"]) = ("0", "00:00:00", "-00:00:01");

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => RegionalSilo.BuildAsync(settings.ToConfiguration()));

        Assert.Equal(["Haunt:PeerLink:ReconnectDelay", "Haunt:Replicas:MaxCacheAge", "Haunt:Sync:BatchSize"], refused.Failures.Select(f => f.Split(' ')[0]).Order());
    }

    [Theory]
    [InlineData("10.20.30.40", false, false, true)]
    [InlineData("osaka", false, false, true)]
    [InlineData("10.20.30.40", true, false, false)]
    [InlineData("10.20.30.40", false, true, false)]
    [InlineData("127.0.0.1", false, false, false)]
    [InlineData("127.0.0.2", false, false, false)]
    [InlineData("localhost", false, false, false)]
    public void Tls_is_required_beyond_loopback_outside_development_unless_explicitly_disabled(string advertised, bool disabled, bool development, bool refused)
    {
        var options = new SiloHostOptions
        {
            Region = KnownRegions.Osaka,
            AdvertisedHost = advertised,
            Development = development,
            Tls = new Haunt.Silo.Security.TlsSettings { Disabled = disabled },
            Auth = TestTokens.Settings,
            Sync = { ClusterKey = HauntSiloConfigurator.ClusterKey },
        };

        Assert.Equal(refused, options.Problems().Any(p => p.StartsWith("Haunt:Tls is required", StringComparison.Ordinal)));
        Assert.Equal(refused, options.Problems().Any());
    }

    [Fact]
    public void Bad_sync_settings_are_all_named_at_once()
    {
        var result = new SyncOptionsValidator().Validate(null, new SyncOptions { ClusterKey = "short", AcceptedKeys = ["also short"], BatchSize = 0, MaxBackoff = TimeSpan.FromMilliseconds(1) });

        Assert.True(result.Failed);
        Assert.Equal(
            ["Haunt:Sync:ClusterKey", "Haunt:Sync:AcceptedKeys:0", "Haunt:Sync:MaxBackoff", "Haunt:Sync:BatchSize"],
            result.Failures!.Select(f => f.Split(' ')[0]));
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        try { Directory.Delete(_data, recursive: true); } catch (DirectoryNotFoundException) { /* nothing was written */ }
    }
}
