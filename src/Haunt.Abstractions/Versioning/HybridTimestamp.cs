namespace Haunt.Abstractions.Versioning;

/// <summary>
/// A hybrid logical clock reading: wall-clock milliseconds plus a logical counter that orders events in
/// the same millisecond and keeps causality when a peer's clock runs ahead. Packed into one long
/// (48 bits of milliseconds, 16 of counter) so that it sorts and stores as an integer.
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.HybridTimestamp")]
public readonly record struct HybridTimestamp([property: Id(0)] long WallMilliseconds, [property: Id(1)] int Counter)
    : IComparable<HybridTimestamp>
{
    private const int CounterBits = 16;

    public long Packed => (WallMilliseconds << CounterBits) | (uint)Counter;

    public static HybridTimestamp FromPacked(long packed) => new(packed >> CounterBits, (int)(packed & 0xFFFF));

    public int CompareTo(HybridTimestamp other) => Packed.CompareTo(other.Packed);

    public static bool operator <(HybridTimestamp a, HybridTimestamp b) => a.CompareTo(b) < 0;
    public static bool operator >(HybridTimestamp a, HybridTimestamp b) => a.CompareTo(b) > 0;
    public static bool operator <=(HybridTimestamp a, HybridTimestamp b) => a.CompareTo(b) <= 0;
    public static bool operator >=(HybridTimestamp a, HybridTimestamp b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{DateTimeOffset.FromUnixTimeMilliseconds(WallMilliseconds):O}#{Counter}";
}
