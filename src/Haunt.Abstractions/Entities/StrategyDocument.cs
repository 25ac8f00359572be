using Haunt.Abstractions.Trading;

namespace Haunt.Abstractions.Entities;

/// <summary>
/// What a trading strategy keeps between its decisions, replicated with it: its settings, the rolling window of prices
/// it decides on, its recent signals and a small linear model. Several KB of JSON that change a little on every tick
/// (the window moves by one price, one weight is refitted, now and then a signal is added): the kind of entity that
/// replication sends as a delta rather than whole.
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.StrategyDocument")]
public sealed record StrategyDocument(
    [property: Id(0)] string Symbol,
    [property: Id(1)] IReadOnlyDictionary<string, decimal> Settings,
    [property: Id(2)] IReadOnlyList<decimal> Window,
    [property: Id(3)] IReadOnlyList<StrategySignal> Signals,
    [property: Id(4)] IReadOnlyList<decimal> Model,
    [property: Id(5)] long Ticks)
{
    public const int WindowLength = 128;
    public const int SignalsKept = 24;
    public const int ModelWeights = 384;

    /// <summary>
    /// A strategy on <paramref name="symbol"/> started at <paramref name="at"/>, warmed up as a running one is: a full
    /// window of prices walking to <paramref name="price"/>, the signals it would have taken on them, its model's weights
    /// drawn from <paramref name="random"/>. Some 8 KB of JSON.
    /// </summary>
    public static StrategyDocument Start(string symbol, decimal price, DateTimeOffset at, Random random)
    {
        var settings = new Dictionary<string, decimal>
        {
            ["windowLength"] = WindowLength, ["entrySigma"] = 1.5m, ["exitSigma"] = 0.5m, ["stopLossPct"] = 2.5m,
            ["takeProfitPct"] = 4m, ["maxPosition"] = 25m, ["sliceQuantity"] = 1m, ["cooldownTicks"] = 5m,
            ["learningRate"] = 0.0125m, ["l2Penalty"] = 0.0001m, ["minConfidence"] = 0.55m, ["maxDrawdownPct"] = 12m,
        };
        var model = Enumerable.Range(0, ModelWeights).Select(_ => Weight(random)).ToList();
        var window = Enumerable.Range(0, WindowLength).Select(i => Math.Round(price * (1 + (decimal)(random.NextDouble() - 0.5) / 50), 2)).ToList();
        window[^1] = price;
        var signals = Enumerable.Range(0, SignalsKept).Select(i => new StrategySignal(at.AddMinutes(i - SignalsKept), random.Next(2) == 0 ? OrderSide.Buy : OrderSide.Sell,
            window[i * (WindowLength / SignalsKept)], Math.Round((decimal)random.NextDouble(), 4))).ToList();
        return new StrategyDocument(symbol, settings, window, signals, model, 1);
    }

    /// <summary>
    /// The document after one more tick at <paramref name="price"/>: the window moves by that price, one weight of the
    /// model is refitted, and every fourth tick records a signal.
    /// </summary>
    public StrategyDocument Observe(decimal price, DateTimeOffset at, Random random)
    {
        var window = Window.Count < WindowLength ? [.. Window, price] : Window.Skip(1).Append(price).ToList();
        var model = Model.ToList();
        model[random.Next(model.Count)] = Weight(random);
        var signals = Signals;
        if ((Ticks + 1) % 4 == 0)
        {
            var mean = window.Average();
            var signal = new StrategySignal(at, price < mean ? OrderSide.Buy : OrderSide.Sell, price, Math.Round((decimal)random.NextDouble(), 4));
            signals = Signals.Count < SignalsKept ? [.. Signals, signal] : Signals.Skip(1).Append(signal).ToList();
        }

        return this with { Window = window, Model = model, Signals = signals, Ticks = Ticks + 1 };
    }

    private static decimal Weight(Random random) => Math.Round((decimal)(random.NextDouble() * 2 - 1), 6);
}
