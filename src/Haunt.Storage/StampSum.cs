namespace Haunt.Storage;

/// <summary>
/// What a set of rows adds up to: how many, how many live, and the sums of their stamp hashes' low and high 31 bits.
/// Sums do not depend on the order rows were written or read in, and the database computes them (SUM) without
/// overflow. Two different sets of versions have equal sums with a chance of about 2^-62.
/// </summary>
public readonly record struct StampSum(long Rows, long Live, long Low, long High)
{
    public static StampSum Of(long stampHash, bool deleted) => new(1, deleted ? 0 : 1, stampHash & StampHash.LowMask, stampHash >> 31);

    public StampSum Add(StampSum other) => new(Rows + other.Rows, Live + other.Live, Low + other.Low, High + other.High);

    /// <summary>The sums as text; "" for no rows.</summary>
    public string Digest => Rows == 0 ? "" : $"{Rows:x}.{Low:x}.{High:x}";
}
