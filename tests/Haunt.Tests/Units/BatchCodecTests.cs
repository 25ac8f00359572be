using Haunt.Grains.Sync;
using Haunt.Tests.Cluster;
using Microsoft.Extensions.Options;

namespace Haunt.Tests.Units;

public sealed class BatchCodecTests
{
    private static readonly BatchCodec s_codec = new(Options.Create(new SyncOptions { ClusterKey = HauntSiloConfigurator.ClusterKey }));

    private static ChangeItem Item(int i) => new(i, SyncOperation.Insert,
        new EntityState(EntityType.Trade, $"t-{i}", KnownRegions.Osaka, new VersionVector(1, 0, 0), new HybridTimestamp(1_700_000_000_000, i),
            KnownRegions.Osaka, false, "p-1", $"{{\"id\":\"t-{i}\",\"symbol\":\"BTC\",\"price\":65000.12,\"quantity\":0.25}}"), 1_700_000_000_000);

    [Fact]
    public void A_batch_round_trips_and_compresses()
    {
        var items = Enumerable.Range(1, 100).Select(Item).ToList();
        var batch = s_codec.Encode(KnownRegions.Osaka, KnownRegions.Seoul, 42, items);

        var decoded = s_codec.Decode(batch, KnownRegions.Seoul);

        Assert.Equal(BatchFault.None, decoded.Fault);
        Assert.Equal(items, decoded.Items);
        Assert.True(batch.Body.Length < items.Sum(i => i.State.Payload.Length) / 2, $"body {batch.Body.Length} bytes");
    }

    [Fact]
    public void A_flipped_body_byte_is_refused_as_corrupt()
    {
        var batch = s_codec.Encode(KnownRegions.Osaka, KnownRegions.Seoul, 1, [Item(1)]);
        var body = (byte[])batch.Body.Clone();
        body[body.Length / 2] ^= 0xFF;

        var decoded = s_codec.Decode(batch with { Body = body }, KnownRegions.Seoul);

        Assert.Equal(BatchFault.Corrupt, decoded.Fault);
        Assert.Empty(decoded.Items);
    }

    [Fact]
    public void A_batch_signed_with_another_key_is_refused_as_forged()
    {
        var forger = new BatchCodec(Options.Create(new SyncOptions { ClusterKey = Convert.ToBase64String(new byte[32]) }));
        var forged = forger.Encode(KnownRegions.Osaka, KnownRegions.Seoul, 1, [Item(1)]);

        Assert.Equal(BatchFault.Forged, s_codec.Decode(forged, KnownRegions.Seoul).Fault);
    }

    [Fact]
    public void A_batch_replayed_to_another_region_is_refused()
    {
        var batch = s_codec.Encode(KnownRegions.Osaka, KnownRegions.Seoul, 1, [Item(1)]);
        Assert.Equal(BatchFault.Forged, s_codec.Decode(batch with { To = KnownRegions.Nyc }, KnownRegions.Nyc).Fault);
    }

    [Fact]
    public void Unknown_entity_types_are_refused_whole()
    {
        var bad = Item(2) with { State = Item(2).State with { Type = (EntityType)99 } };
        var batch = s_codec.Encode(KnownRegions.Osaka, KnownRegions.Seoul, 1, [Item(1), bad]);

        var decoded = s_codec.Decode(batch, KnownRegions.Seoul);

        Assert.Equal(BatchFault.Malformed, decoded.Fault);
        Assert.Empty(decoded.Items);
    }
}
