namespace Haunt.Tests.Simulation;

// What a test scripts by hand between random steps: a round started now, time passing, a skewed clock, a strategy's
// next tick in one region, a region that runs the release before deltas.
public sealed partial class SimulatedCluster
{
    /// <summary>Sets how far a region's wall clock reads from the simulated time (its hybrid clock and its sync loop read it).</summary>
    public void SkewClock(string region, TimeSpan skew) => ((SkewedTime)_nodes[region].Clock.Time).Skew = skew;

    /// <summary>Starts a routine round of <paramref name="region"/> with every peer, as the periodic timer or an operator does.</summary>
    public void StartRound(string region) => Wait(_nodes[region].Engine.StartRoundAsync());

    /// <summary>Lets <paramref name="time"/> of simulated time pass with nothing happening.</summary>
    public void Pass(TimeSpan time) => Advance((int)time.TotalMilliseconds);

    /// <summary>Writes the next tick of a strategy in <paramref name="region"/>, from the version it stores (a new one if none); returns the state committed.</summary>
    public EntityState PutStrategy(string region, string id)
    {
        var node = _nodes[region];
        var current = Wait(node.Store.ReadAsync(EntityType.Strategy, id));
        var write = node.States.Next(current, Value(EntityType.Strategy, id, current), delete: false, region);
        Assert.Equal(CommitStatus.Committed, Wait(node.Store.CommitLocalAsync([write])).Status);
        return write.State;
    }

    /// <summary>
    /// <paramref name="region"/> answers change batches as a region of the release before deltas did: a batch with a
    /// state without payload fails its validation, and it refuses the whole batch as malformed, applying nothing.
    /// </summary>
    public void RunReleaseBeforeDeltas(string region) => _network.Answer = message =>
        message is ChangeBatch batch && batch.To == region
        && s_codec.Decode(batch, new SiloRegion(region, Regions)).Items.FirstOrDefault(i => i.Delta is not null) is { } delta
            ? s_codec.Seal(new BatchReject(region, batch.From, batch.BatchId, $"Malformed: invalid {delta.State.Type} '{delta.State.Id}'"), Now)
            : null;
}
