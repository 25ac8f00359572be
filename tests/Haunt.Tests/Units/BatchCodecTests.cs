using Haunt.Grains.Sync;
using Haunt.Tests.Cluster;
using Microsoft.Extensions.Options;

namespace Haunt.Tests.Units;

public sealed class BatchCodecTests
{
    private static readonly BatchCodec s_codec = BatchCodec.For(new SyncOptions { ClusterKey = HauntSiloConfigurator.ClusterKey });

    private static ChangeItem Item(int i) => new(i, SyncOperation.Insert,
        new EntityState(EntityType.Trade, $"t-{i}", KnownRegions.Osaka, V(1, 0, 0), new HybridTimestamp(1_700_000_000_000, i),
            KnownRegions.Osaka, false, "p-1", $"{{\"id\":\"t-{i}\",\"symbol\":\"BTC\",\"price\":65000.12,\"quantity\":0.25}}"), 1_700_000_000_000);

    [Fact]
    public void A_batch_round_trips_and_compresses()
    {
        var items = Enumerable.Range(1, 100).Select(Item).ToList();
        var batch = s_codec.Encode(KnownRegions.Osaka, KnownRegions.Seoul, 42, items);

        var decoded = s_codec.Decode(batch, SiloOf(KnownRegions.Seoul));

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

        var decoded = s_codec.Decode(batch with { Body = body }, SiloOf(KnownRegions.Seoul));

        Assert.Equal(BatchFault.Corrupt, decoded.Fault);
        Assert.Empty(decoded.Items);
    }

    [Fact]
    public void A_batch_signed_with_another_key_is_refused_as_forged()
    {
        var forger = BatchCodec.For(new SyncOptions { ClusterKey = Convert.ToBase64String(new byte[32]) });
        var forged = forger.Encode(KnownRegions.Osaka, KnownRegions.Seoul, 1, [Item(1)]);

        Assert.Equal(BatchFault.Forged, s_codec.Decode(forged, SiloOf(KnownRegions.Seoul)).Fault);
    }

    [Fact]
    public void During_a_rotation_a_region_accepts_the_old_and_the_new_key_and_signs_with_its_cluster_key()
    {
        var (old, next) = (HauntSiloConfigurator.ClusterKey, Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()));
        var receiver = BatchCodec.For(new SyncOptions { ClusterKey = old });
        var rotated = BatchCodec.For(new SyncOptions { ClusterKey = next, AcceptedKeys = [old] });
        var fromNew = rotated.Encode(KnownRegions.Osaka, KnownRegions.Seoul, 1, [Item(1)]);

        Assert.Equal(BatchFault.Forged, receiver.Decode(fromNew, SiloOf(KnownRegions.Seoul)).Fault); // signing first would refuse: accept first
        receiver.UseKeys(old, [next]);
        Assert.Equal(BatchFault.None, receiver.Decode(fromNew, SiloOf(KnownRegions.Seoul)).Fault);
        Assert.Equal(BatchFault.None, rotated.Decode(s_codec.Encode(KnownRegions.Osaka, KnownRegions.Seoul, 2, [Item(2)]), SiloOf(KnownRegions.Seoul)).Fault);
        rotated.UseKeys(next, []);
        Assert.Equal(BatchFault.Forged, rotated.Decode(s_codec.Encode(KnownRegions.Osaka, KnownRegions.Seoul, 3, [Item(3)]), SiloOf(KnownRegions.Seoul)).Fault);
    }

    [Fact]
    public void A_batch_replayed_to_another_region_is_refused()
    {
        var batch = s_codec.Encode(KnownRegions.Osaka, KnownRegions.Seoul, 1, [Item(1)]);
        Assert.Equal(BatchFault.Forged, s_codec.Decode(batch with { To = KnownRegions.Nyc }, SiloOf(KnownRegions.Nyc)).Fault);
    }

    [Fact]
    public void Unknown_entity_types_are_refused_whole()
    {
        var bad = Item(2) with { State = Item(2).State with { Type = (EntityType)99 } };
        var batch = s_codec.Encode(KnownRegions.Osaka, KnownRegions.Seoul, 1, [Item(1), bad]);

        var decoded = s_codec.Decode(batch, SiloOf(KnownRegions.Seoul));

        Assert.Equal(BatchFault.Malformed, decoded.Fault);
        Assert.Empty(decoded.Items);
    }
}
