namespace Haunt.Grains.Door;

/// <summary>An entity grain, as the door sees it: whether a write forwarded from another region may land here (strong entities only).</summary>
public interface IHomeOfWrites
{
    bool TakesForwardedWrites { get; }
}
