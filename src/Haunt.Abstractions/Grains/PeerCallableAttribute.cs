namespace Haunt.Abstractions.Grains;

/// <summary>
/// A grain method another region of the deployment may call over the peer link (digests, status, pings, forwarded
/// strong writes). A client from outside the region's own silos may call nothing else, whatever credential it
/// holds. <see cref="ForwardedWrite"/>: the call must say which user it is made for (<see cref="ActingUser"/>), and
/// the home region checks that user's ownership again.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PeerCallableAttribute : Attribute
{
    public bool ForwardedWrite { get; init; }
}
