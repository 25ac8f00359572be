using System.Net;
using Haunt.Silo.Hosting;

namespace Haunt.Tests.Units;

/// <summary>Peer settings: defaults on loopback, explicit hosts and ports, and one line naming a bad setting.</summary>
public sealed class PeerAddressesTests
{
    [Fact]
    public async Task Unset_peers_are_on_loopback_at_their_regions_default_gateway_ports()
    {
        var (gateways, problem) = await PeerAddresses.ResolveAsync(KnownRegions.Osaka, RegionSet.Default, new Dictionary<string, string>(), TimeSpan.Zero, CancellationToken.None);

        Assert.Null(problem);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 30001)], gateways![KnownRegions.Seoul]);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 30002)], gateways[KnownRegions.Nyc]);
    }

    [Fact]
    public async Task A_peer_may_list_several_gateways_with_or_without_ports()
    {
        var configured = new Dictionary<string, string> { [KnownRegions.Seoul] = "10.0.0.2, 10.0.0.3:31000", [KnownRegions.Nyc] = "localhost" };

        var (gateways, _) = await PeerAddresses.ResolveAsync(KnownRegions.Osaka, RegionSet.Default, configured, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal([new IPEndPoint(IPAddress.Parse("10.0.0.2"), 30001), new IPEndPoint(IPAddress.Parse("10.0.0.3"), 31000)], gateways![KnownRegions.Seoul]);
        Assert.Equal(IPAddress.Loopback, gateways[KnownRegions.Nyc].Single().Address);
    }

    [Theory]
    [InlineData("mars", "10.0.0.9", "Haunt:Peers:mars names no region")]
    [InlineData("seoul", "10.0.0.2:seventy", "Haunt:Peers:seoul: '10.0.0.2:seventy' is not host[:port]")]
    [InlineData("nyc", "10.0.0.3:70000", "Haunt:Peers:nyc: '10.0.0.3:70000' is not host[:port]")]
    public void A_bad_peer_setting_is_one_problem_naming_it(string peer, string value, string expected)
    {
        var options = new SiloHostOptions { Region = KnownRegions.Osaka, Development = true, Peers = { [peer] = value } };

        Assert.Equal(expected, Assert.Single(options.Problems()).TrimEnd('.').Split(" (regions:")[0]);
    }

    [Fact]
    public void A_regions_own_entry_is_ignored_so_all_regions_can_share_one_peer_block()
    {
        var options = new SiloHostOptions
        {
            Region = KnownRegions.Osaka,
            Development = true,
            Peers = { [KnownRegions.Osaka] = "osaka", [KnownRegions.Seoul] = "seoul", [KnownRegions.Nyc] = "nyc" },
        };

        Assert.Empty(options.Problems());
    }

    [Fact]
    public async Task A_peer_name_that_never_resolves_stops_with_the_setting_named()
    {
        var configured = new Dictionary<string, string> { [KnownRegions.Nyc] = "no-such-host.invalid" };

        var (gateways, problem) = await PeerAddresses.ResolveAsync(KnownRegions.Osaka, RegionSet.Default, configured, TimeSpan.Zero, CancellationToken.None);

        Assert.Null(gateways);
        Assert.Equal("Haunt:Peers:nyc: 'no-such-host.invalid' does not resolve to an IPv4 address.", problem);
    }
}
