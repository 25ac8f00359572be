namespace Haunt.Tests.Simulation;

// What a test scripts by hand between random steps: a round started now, time passing, a skewed clock.
public sealed partial class SimulatedCluster
{
    /// <summary>Sets how far a region's wall clock reads from the simulated time (its hybrid clock and its sync loop read it).</summary>
    public void SkewClock(string region, TimeSpan skew) => ((SkewedTime)_nodes[region].Clock.Time).Skew = skew;

    /// <summary>Starts a routine round of <paramref name="region"/> with every peer, as the periodic timer or an operator does.</summary>
    public void StartRound(string region) => Wait(_nodes[region].Engine.StartRoundAsync());

    /// <summary>Lets <paramref name="time"/> of simulated time pass with nothing happening.</summary>
    public void Pass(TimeSpan time) => Advance((int)time.TotalMilliseconds);
}
