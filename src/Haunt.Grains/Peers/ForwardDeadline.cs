namespace Haunt.Grains.Peers;

/// <summary>
/// The moment a region stops waiting for a call it forwarded to another region, carried with the call. A
/// forwarded write can sit in a connection while the link is cut and arrive long after its caller was told
/// "no answer"; the home region refuses it then, so a write the caller gave up on does not appear minutes later.
/// Wall clocks of two regions differ a little: the home region allows <see cref="SkewAllowance"/> of difference.
/// </summary>
public static class ForwardDeadline
{
    public static readonly TimeSpan SkewAllowance = TimeSpan.FromSeconds(5);
    private const string Key = "haunt.forward-deadline-ms";

    /// <summary>Marks the outgoing call (call it inside the call's own execution context) with its deadline.</summary>
    public static void Set(TimeProvider time, TimeSpan timeout) => RequestContext.Set(Key, (time.GetUtcNow() + timeout).ToUnixTimeMilliseconds());

    /// <summary>Refuses a forwarded write that arrives after its caller gave up (plus the skew allowance).</summary>
    public static void ThrowIfPassed(TimeProvider time, string what)
    {
        if (RequestContext.Get(Key) is long deadline && time.GetUtcNow().ToUnixTimeMilliseconds() > deadline + (long)SkewAllowance.TotalMilliseconds)
        {
            throw new OperationRefusedException($"{what} arrived after the region that forwarded it stopped waiting; it was not made.");
        }
    }
}
