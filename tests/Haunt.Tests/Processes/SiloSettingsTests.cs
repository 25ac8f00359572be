namespace Haunt.Tests.Processes;

/// <summary>A silo process with bad settings stops at once with one line naming the setting.</summary>
[Collection(ProcessCollection.Name)]
public sealed class SiloSettingsTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"haunt-settings-tests-{Guid.NewGuid():N}");

    [Theory]
    [InlineData("mars", "10.0.0.9", "haunt silo: Haunt:Peers:mars names no region")]
    [InlineData("seoul", "10.0.0.2:seventy", "haunt silo: Haunt:Peers:seoul: '10.0.0.2:seventy' is not host[:port].")]
    public async Task A_bad_peer_setting_stops_the_silo_naming_it(string peer, string value, string expected)
    {
        await using var silo = new SiloProcess(KnownRegions.Osaka, _data, null,
            new SiloPorts(SiloProcess.FreePort(), SiloProcess.FreePort(), SiloProcess.FreePort()), new Dictionary<string, string> { [peer] = value });

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => silo.StartAsync(TimeSpan.FromSeconds(60)));

        Assert.StartsWith($"osaka silo exited: {expected}", refused.Message, StringComparison.Ordinal);
        Assert.True(silo.HasExited);
    }

    [Fact]
    public async Task A_silo_outside_development_advertised_beyond_loopback_without_tls_stops_naming_the_setting()
    {
        await using var silo = new SiloProcess(KnownRegions.Osaka, _data, null,
            new SiloPorts(SiloProcess.FreePort(), SiloProcess.FreePort(), SiloProcess.FreePort()), new Dictionary<string, string>(), host: "10.20.30.40",
            development: false, environment: new Dictionary<string, string> { ["Haunt__Sync__ClusterKey"] = Cluster.HauntSiloConfigurator.ClusterKey });

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => silo.StartAsync(TimeSpan.FromSeconds(60)));

        Assert.StartsWith("osaka silo exited: haunt silo: Haunt:Tls is required for a silo advertised at '10.20.30.40' (not loopback) outside development",
            refused.Message, StringComparison.Ordinal);
        // One line, and no other problem: the process's own output holds it once.
        Assert.Single(refused.Message.Split('\n'), l => l.StartsWith("haunt silo:", StringComparison.Ordinal));
        Assert.True(silo.HasExited);
    }

    public void Dispose()
    {
        Directory.Delete(_data, recursive: true);
    }
}
