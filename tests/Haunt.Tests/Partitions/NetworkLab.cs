namespace Haunt.Tests.Partitions;

/// <summary>
/// A small WAN made of Linux network namespaces, for cutting real links between silo processes:
/// <code>
///   root ns (the test) ──10.78.i.0/24── region ns i (by rank: osaka 1, seoul 2, nyc 3, …) ──10.77.i.0/24── router ns
/// </code>
/// Each region reaches the others only through the router (its default route; ip_forward on there). The
/// client link from the root namespace lets the test keep calling a region's HTTP API while its WAN is cut;
/// the root namespace gets no default route into the lab, only those /24s. Names carry the owner's pid and a
/// random tag, so a second lab never collides and a crashed run's leftovers can be recognised.
/// </summary>
public sealed partial class NetworkLab : IAsyncDisposable
{
    private const string Prefix = "haunt-";
    private readonly string _tag = $"{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}";
    private readonly HashSet<(string From, string To)> _blackholes = [];
    private readonly RegionSet _regions;

    private NetworkLab(RegionSet regions)
    {
        _regions = regions;
    }

    /// <summary>The router namespace: the WAN between the regions.</summary>
    public string Router => $"{Prefix}{_tag}-wan";

    public string NamespaceOf(string region) => $"{Prefix}{_tag}-{region}";

    /// <summary>A region's address on the WAN: what its silo advertises and its peers dial.</summary>
    public string WanAddressOf(string region) => $"10.77.{Index(region)}.2";

    /// <summary>A region's address on its client link from the root namespace: where the test calls its API.</summary>
    public string ClientAddressOf(string region) => $"10.78.{Index(region)}.2";

    /// <summary>A lab with a namespace for each of <paramref name="regions"/> (numbered by rank: 1 is the first).</summary>
    public static async Task<NetworkLab> CreateAsync(RegionSet regions)
    {
        await RemoveLeftoversAsync();
        await WaitForFreeClientSubnetsAsync();
        var lab = new NetworkLab(regions);
        try
        {
            await lab.BuildAsync();
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>Cuts a region off the WAN entirely: its router port goes down, packets to and from it are lost.</summary>
    public Task CutOffAsync(string region) => IpCommand.RunAsync("-n", Router, "link", "set", RouterPort(region), "down");

    public Task ReconnectAsync(string region) => IpCommand.RunAsync("-n", Router, "link", "set", RouterPort(region), "up");

    /// <summary>Cuts the one link between two regions (both directions); each still reaches the third.</summary>
    public async Task CutLinkAsync(string a, string b)
    {
        foreach (var (from, to) in new[] { (a, b), (b, a) })
        {
            await IpCommand.RunAsync("-n", Router, "rule", "add", "from", Subnet(from), "to", Subnet(to), "blackhole");
            _blackholes.Add((from, to));
        }
    }

    public async Task RestoreLinkAsync(string a, string b)
    {
        foreach (var (from, to) in new[] { (a, b), (b, a) })
        {
            await IpCommand.RunAsync("-n", Router, "rule", "del", "from", Subnet(from), "to", Subnet(to), "blackhole");
            _blackholes.Remove((from, to));
        }
    }

    /// <summary>Every region back on the WAN and every cut link restored, whatever a failed test left behind.</summary>
    public async Task HealAllAsync()
    {
        foreach (var (from, to) in _blackholes.ToList())
        {
            await IpCommand.RunAsync("-n", Router, "rule", "del", "from", Subnet(from), "to", Subnet(to), "blackhole");
            _blackholes.Remove((from, to));
        }

        foreach (var region in _regions.All)
        {
            await ReconnectAsync(region);
        }
    }

    /// <summary>Deletes every namespace and client link of this lab; safe to call after a partial build.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var region in _regions.All)
        {
            // Deleting a namespace deletes its veths too, but lazily; the root end goes now, so its subnet is free.
            await IpCommand.TryRunAsync("link", "delete", RootPort(region));
            await DeleteNamespaceAsync(NamespaceOf(region));
        }

        await DeleteNamespaceAsync(Router);
    }

    private async Task BuildAsync()
    {
        await AddNamespaceAsync(Router);
        // Written to /proc rather than with sysctl: a minimal Debian machine may not have procps.
        await IpCommand.RunAsync("netns", "exec", Router, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward");
        foreach (var region in _regions.All)
        {
            var ns = NamespaceOf(region);
            var i = Index(region);
            await AddNamespaceAsync(ns);

            // WAN: region wan0 ⇄ router wan-<region>; the region's only way out is its default route.
            await IpCommand.RunAsync("-n", Router, "link", "add", RouterPort(region), "type", "veth", "peer", "name", "wan0", "netns", ns);
            await IpCommand.RunAsync("-n", Router, "addr", "add", $"10.77.{i}.1/24", "dev", RouterPort(region));
            await IpCommand.RunAsync("-n", Router, "link", "set", RouterPort(region), "up");
            await IpCommand.RunAsync("-n", ns, "addr", "add", $"{WanAddressOf(region)}/24", "dev", "wan0");
            await IpCommand.RunAsync("-n", ns, "link", "set", "wan0", "up");
            await IpCommand.RunAsync("-n", ns, "route", "add", "default", "via", $"10.77.{i}.1");

            // Client access: root ⇄ region cli0, a /24 of its own, never cut.
            await IpCommand.RunAsync("link", "add", RootPort(region), "type", "veth", "peer", "name", "cli0", "netns", ns);
            await IpCommand.RunAsync("addr", "add", $"10.78.{i}.1/24", "dev", RootPort(region));
            await IpCommand.RunAsync("link", "set", RootPort(region), "up");
            await IpCommand.RunAsync("-n", ns, "addr", "add", $"{ClientAddressOf(region)}/24", "dev", "cli0");
            await IpCommand.RunAsync("-n", ns, "link", "set", "cli0", "up");
        }
    }

    private static async Task AddNamespaceAsync(string name)
    {
        await IpCommand.RunAsync("netns", "add", name);
        await IpCommand.RunAsync("-n", name, "link", "set", "lo", "up");
    }

    private int Index(string region) => _regions.Rank(region) + 1;

    private string Subnet(string region) => $"10.77.{Index(region)}.0/24";

    private static string RouterPort(string region) => $"wan-{region}";

    /// <summary>The root end of a region's client link: ≤ 15 characters, unique per lab.</summary>
    private string RootPort(string region) => $"hc{_tag[(_tag.LastIndexOf('-') + 1)..]}{Index(region)}";
}
