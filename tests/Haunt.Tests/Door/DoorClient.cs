using System.Net;
using Haunt.Grains.Door;
using Haunt.Grains.Peers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;

namespace Haunt.Tests.Door;

/// <summary>
/// An Orleans client of a region's gateway as someone on the network would build it: plain (no proof at all), or
/// proving itself as <paramref name="claims"/> with <paramref name="clusterKey"/> (the deployment's, or another's),
/// under TLS with <paramref name="certificate"/>. Not started: the test starts it and sees whether the door lets it in.
/// </summary>
public static class DoorClient
{
    public static IHost Build(IPEndPoint gateway, string region, string? claims = null, string? clusterKey = null, LinkTls? tls = null)
    {
        return Host.CreateApplicationBuilder().UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (RegionCluster.IdOf(region), RegionCluster.ServiceId));
            client.UseStaticClustering(gateway);
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            if (tls is not null)
            {
                client.UseTls(tls.Certificate, tls.Configure);
            }

            if (claims is not null)
            {
                var door = new RegionDoor(SiloOf(claims), BatchCodec.For(new SyncOptions { ClusterKey = clusterKey! }), NullLogger<RegionDoor>.Instance);
                client.Configure<ClientConnectionOptions>(o => o.ConfigureConnection(c => c.Use(next => door.Enter(next, DoorRole.Peer, region))));
            }
        }).Build();
    }

    /// <summary>Whether the client got in: started within 15 s (a refused one fails, or keeps retrying until we stop waiting).</summary>
    public static async Task<bool> TryStartAsync(IHost client)
    {
        try
        {
            await client.StartAsync().WaitAsync(TimeSpan.FromSeconds(15));
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    public static IGrainFactory Grains(IHost client) => client.Services.GetRequiredService<IClusterClient>();
}
