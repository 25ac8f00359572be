using Haunt.Abstractions.Trading;

namespace Haunt.Abstractions.Entities;

/// <summary>A decision a strategy took: when, which way, at what price, how sure.</summary>
[GenerateSerializer, Immutable, Alias("haunt.StrategySignal")]
public sealed record StrategySignal(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] OrderSide Side,
    [property: Id(2)] decimal Price,
    [property: Id(3)] decimal Score);
