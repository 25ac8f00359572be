namespace Haunt.Replication.Engine;

/// <summary>The reason label of haunt.sync.rejects: why this region refused a message from a peer.</summary>
public static class RejectReasons
{
    /// <summary>Not addressed to this region, from a region outside the membership, or arriving after this region left.</summary>
    public const string Misrouted = "misrouted";

    /// <summary>A control message without a valid seal of an accepted sync key (forged or altered).</summary>
    public const string Unsealed = "unsealed";

    /// <summary>A sealed control message too old, or seen before (replayed or duplicated).</summary>
    public const string Stale = "stale";

    public const string Forged = "forged";
    public const string Corrupt = "corrupt";
    public const string Malformed = "malformed";

    /// <summary>A batch with a change stamped further ahead of this region's clock than Haunt:Sync:MaxClockDrift.</summary>
    public const string ClockAhead = "clock_ahead";

    /// <summary>The label of a batch fault (constants: nothing is formatted on the receive path).</summary>
    public static string Of(BatchFault fault) => fault switch
    {
        BatchFault.Forged => Forged,
        BatchFault.Corrupt => Corrupt,
        BatchFault.Malformed => Malformed,
        BatchFault.ClockAhead => ClockAhead,
        _ => Malformed,
    };
}
