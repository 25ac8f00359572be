using Orleans.Runtime;

namespace Haunt.Bench;

/// <summary>The plain-Orleans baseline: a grain that durably writes its state on every call.</summary>
[Alias("haunt.bench.IBaselineCounterGrain")]
public interface IBaselineCounterGrain : IGrainWithIntegerKey
{
    [Alias("IncrementAsync")]
    Task IncrementAsync();
}

[GenerateSerializer, Alias("haunt.bench.CounterState")]
public sealed class CounterState
{
    [Id(0)]
    public long Value { get; set; }

    [Id(1)]
    public string Note { get; set; } = "";
}

public sealed class BaselineCounterGrain([PersistentState("counter", BaselineOrleans.StorageName)] IPersistentState<CounterState> state)
    : Grain, IBaselineCounterGrain
{
    public async Task IncrementAsync()
    {
        state.State.Value++;
        state.State.Note = $"write {state.State.Value}";
        await state.WriteStateAsync();
    }
}
