using System.Security.Cryptography;
using Haunt.Grains.Door;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Door;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteDoorTests(SqliteCluster cluster) : DoorTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresDoorTests(PostgresCluster cluster) : DoorTests(cluster);

/// <summary>
/// Issue 20, item 1: nothing enters a region's cluster unauthenticated. An Orleans client at osaka's gateway that is
/// not a region of this deployment (no proof; a proof under another deployment's key) does not get in; one that is
/// (seoul's proof) may call only what the peer link needs; a forwarded write is checked for its user at home.
/// Each attack is aimed at a portfolio and checked by its cash, which must not move.
/// </summary>
public abstract class DoorTests(ClusterFixture fixture) : ClusterTests(fixture.Kind)
{
    private const decimal Cash = 50_000m;

    [SkippableFact]
    public async Task A_plain_orleans_client_is_refused_at_the_gateway_and_counted()
    {
        var before = RefusedFor(DoorRefusal.NoProof);
        using var plain = DoorClient.Build(fixture.GatewayOf(KnownRegions.Osaka), KnownRegions.Osaka);

        Assert.False(await DoorClient.TryStartAsync(plain), "a client without a proof got into osaka's cluster");

        Assert.True(RefusedFor(DoorRefusal.NoProof) > before, "osaka counted the refused connection");
    }

    [SkippableFact]
    public async Task A_client_proving_itself_with_another_deployments_key_is_refused_and_counted()
    {
        var before = RefusedFor(DoorRefusal.WrongKey);
        var otherKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        using var stranger = DoorClient.Build(fixture.GatewayOf(KnownRegions.Osaka), KnownRegions.Osaka, claims: KnownRegions.Seoul, clusterKey: otherKey);

        Assert.False(await DoorClient.TryStartAsync(stranger), "a client with another deployment's key got into osaka's cluster");

        Assert.True(RefusedFor(DoorRefusal.WrongKey) > before, "osaka counted the forged proof");
    }

    [SkippableFact]
    public async Task A_client_claiming_to_be_the_region_itself_is_refused()
    {
        var before = RefusedFor(DoorRefusal.NotAllowed);
        using var self = DoorClient.Build(fixture.GatewayOf(KnownRegions.Osaka), KnownRegions.Osaka, claims: KnownRegions.Osaka, clusterKey: HauntSiloConfigurator.ClusterKey);

        Assert.False(await DoorClient.TryStartAsync(self), "a client claiming to be osaka got in at osaka's gateway");
        Assert.True(RefusedFor(DoorRefusal.NotAllowed) > before);
    }

    [SkippableFact]
    public async Task The_silo_port_admits_no_peer_region_and_no_stranger()
    {
        var (noProof, wrongRole) = (RefusedFor(DoorRefusal.NoProof), RefusedFor(DoorRefusal.WrongRole));

        // Seoul's valid proof as a peer, but at osaka's silo port, where only osaka's own silos may connect.
        using (var peer = new System.Net.Sockets.TcpClient())
        {
            await peer.ConnectAsync(fixture.SiloPortOf(KnownRegions.Osaka));
            var (input, output) = (System.IO.Pipelines.PipeReader.Create(peer.GetStream()), System.IO.Pipelines.PipeWriter.Create(peer.GetStream()));
            var challenge = await DoorProof.ReadChallengeAsync(input, CancellationToken.None);
            var key = Convert.FromBase64String(HauntSiloConfigurator.ClusterKey);
            await DoorProof.WriteHelloAsync(output, new DoorProof.Hello(DoorRole.Peer, KnownRegions.Seoul,
                DoorProof.Mac(key, challenge, DoorRole.Peer, KnownRegions.Seoul, KnownRegions.Osaka)), CancellationToken.None);
            Assert.Equal(0, await peer.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(Eventually.DefaultTimeout)); // closed on us
        }

        // Something that speaks first and not the door's language (what an Orleans silo of another cluster would send).
        using (var stranger = new System.Net.Sockets.TcpClient())
        {
            await stranger.ConnectAsync(fixture.SiloPortOf(KnownRegions.Osaka));
            await stranger.GetStream().WriteAsync(RandomNumberGenerator.GetBytes(64));
            var buffer = new byte[64];
            while (await stranger.GetStream().ReadAsync(buffer).AsTask().WaitAsync(Eventually.DefaultTimeout) > 0)
            {
                // the challenge, then the close
            }
        }

        Assert.True(RefusedFor(DoorRefusal.WrongRole) > wrongRole, "osaka's silo port took a peer region's proof");
        Assert.True(RefusedFor(DoorRefusal.NoProof) > noProof, "osaka's silo port took a stranger");
    }

    [SkippableFact]
    public async Task A_peer_region_may_call_what_the_link_needs_and_nothing_else()
    {
        var id = await NewPortfolioAsync("alice");
        var refusedBefore = fixture.Door(KnownRegions.Osaka).CallsRefused;
        using var peer = DoorClient.Build(fixture.GatewayOf(KnownRegions.Osaka), KnownRegions.Osaka, claims: KnownRegions.Seoul, clusterKey: HauntSiloConfigurator.ClusterKey);
        Assert.True(await DoorClient.TryStartAsync(peer), "seoul's proof did not get in");
        var grains = DoorClient.Grains(peer);
        var portfolio = grains.GetGrain<IPortfolioGrain>(EntityKey.Of(KnownRegions.Osaka, id));

        // What the link needs: a ping and a digest.
        await grains.GetGrain<IRegionStatusGrain>(KnownRegions.Osaka).PingAsync();
        Assert.True((await grains.GetGrain<IRegionStatusGrain>(KnownRegions.Osaka).GetDigestAsync()).Entities > 0);

        // Not a link call at all; a forwarded write that names no user; a write of an entity that has no home region.
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => portfolio.CreateAsync("mallory", 1_000_000_000m));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => portfolio.DepositAsync(1_000_000_000m));
        var profileId = Guid.NewGuid().ToString("N");
        ActingUser.Set("mallory");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            grains.GetGrain<IProfileGrain>(EntityKey.Of(KnownRegions.Osaka, profileId)).PutAsync(new Profile(profileId, "planted", null, 1)));
        // A forwarded write for a user who does not own the portfolio: the home region checks, and the portfolio does not exist for mallory.
        await Assert.ThrowsAsync<EntityNotFoundException>(() => portfolio.DepositAsync(1_000_000_000m));
        RequestContext.Clear();

        Assert.Equal(Cash, await CashAsync(KnownRegions.Osaka, id));
        Assert.Null(await fixture.Store(KnownRegions.Osaka).ReadAsync(EntityType.Profile, profileId));
        Assert.Equal(refusedBefore + 3, fixture.Door(KnownRegions.Osaka).CallsRefused); // the door's three; the fourth the portfolio refused
    }

    [SkippableFact]
    public async Task A_write_forwarded_to_the_home_region_is_checked_for_its_user_there()
    {
        var id = await NewPortfolioAsync("alice");
        await Eventually.WaitUntilAsync(async () => await fixture.Store(KnownRegions.Seoul).ReadAsync(EntityType.Portfolio, id) is not null,
            "alice's portfolio reached seoul");
        var inSeoul = fixture.Grain<IPortfolioGrain>(KnownRegions.Seoul, id);

        // Seoul forwards both to osaka, the home, without judging them: osaka refuses mallory's and takes alice's.
        ActingUser.Set("mallory");
        await Assert.ThrowsAsync<EntityNotFoundException>(() => inSeoul.DepositAsync(1_000_000m));
        ActingUser.Set("alice");
        await inSeoul.DepositAsync(10m);
        RequestContext.Clear();

        Assert.Equal(Cash + 10m, await CashAsync(KnownRegions.Osaka, id));
    }

    private long RefusedFor(DoorRefusal refusal) => fixture.Door(KnownRegions.Osaka).Refused.GetValueOrDefault(refusal.ToString());

    private async Task<string> NewPortfolioAsync(string owner)
    {
        var id = Guid.NewGuid().ToString("N");
        await fixture.Grain<IPortfolioGrain>(KnownRegions.Osaka, id).CreateAsync(owner, Cash);
        return id;
    }

    private async Task<decimal> CashAsync(string region, string id) =>
        StateJson.Deserialize<Portfolio>((await fixture.Store(region).ReadAsync(EntityType.Portfolio, id))!.Payload).Cash;
}
