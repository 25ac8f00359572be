using System.Net;
using Haunt.Grains.Sync;
using Haunt.Silo.Hosting;
using Haunt.Tests.Api;
using Haunt.Tests.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Haunt.Tests.Units;

/// <summary>
/// Issue 19, item 6: the configuration the silo command reads (its JSON files, the environment, its flags) is the
/// one every option of the silo binds from, and a reload of it reaches them. Built, not started.
/// </summary>
public sealed class SiloConfigurationTests : IAsyncLifetime
{
    private static readonly string s_other = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i + 100)).ToArray());
    private readonly SyncKeySettings _keys = new(HauntSiloConfigurator.ClusterKey);
    private readonly WebApplication _silo;

    public SiloConfigurationTests()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Haunt:Sync:MaxBacklogRows"] = "1234", ["Haunt:Replicas:MaxCacheAge"] = "00:00:03" })
            .AddConfiguration(_keys.Configuration)
            .Build();
        var peers = KnownRegions.PeersOf(KnownRegions.Osaka).ToDictionary(p => p, _ => (IReadOnlyList<IPEndPoint>)[new IPEndPoint(IPAddress.Loopback, 1)]);
        _silo = RegionalSilo.Build(new RegionalSiloSettings(KnownRegions.Osaka, Path.GetTempPath(), new SiloEndpoints(1, 2, 3),
            "ZmFsbGJhY2sta2V5LXVzZWQtb25seS13aGVuLW5vbmUtaXMtY29uZmlndXJlZA==", peers, Auth: TestTokens.Settings, Configuration: configuration));
    }

    [Fact]
    public void Settings_from_the_command_configuration_reach_the_options_of_the_silo()
    {
        var sync = _silo.Services.GetRequiredService<IOptions<SyncOptions>>().Value;
        Assert.Equal(1234, sync.MaxBacklogRows);
        Assert.Equal(HauntSiloConfigurator.ClusterKey, sync.ClusterKey); // the configured key wins over the fallback
        Assert.Equal(TimeSpan.FromSeconds(3), _silo.Services.GetRequiredService<IOptions<Haunt.Grains.Replication.ReplicaOptions>>().Value.MaxCacheAge);
    }

    [Fact]
    public void A_key_rotation_in_the_reloaded_configuration_reaches_the_batch_codec()
    {
        var codec = _silo.Services.GetRequiredService<BatchCodec>();
        _keys.Use(s_other, [HauntSiloConfigurator.ClusterKey]);

        Assert.Equal([HauntSiloConfigurator.ClusterKey], _silo.Services.GetRequiredService<IOptionsMonitor<SyncOptions>>().CurrentValue.AcceptedKeys);
        var batch = codec.Encode(KnownRegions.Osaka, KnownRegions.Seoul, 1, (IReadOnlyList<ChangeItem>)[]);
        Assert.Equal(BatchFault.None, BatchCodec.For(new SyncOptions { ClusterKey = s_other }).Decode(batch, KnownRegions.Seoul).Fault);
        Assert.Equal(BatchFault.Forged, BatchCodec.For(new SyncOptions { ClusterKey = HauntSiloConfigurator.ClusterKey }).Decode(batch, KnownRegions.Seoul).Fault);
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

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _silo.DisposeAsync();
}
