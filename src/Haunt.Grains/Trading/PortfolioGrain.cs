using Haunt.Grains.Peers;
using Haunt.Grains.Placement;
using Haunt.Grains.Replication;
using Haunt.Trading;

namespace Haunt.Grains.Trading;

/// <summary>
/// A portfolio in its home region, and the single writer of its orders, positions and trades: a fill
/// commits portfolio, order, trade and position in one transaction (with their outbox rows), so no crash
/// can leave cash and holdings disagreeing. Calls that reach another region's copy are forwarded home.
/// </summary>
[RegionPlacement]
public sealed class PortfolioGrain(ReplicaServices services, MarketFeed market) : ReplicatedEntityGrain<Portfolio>(services), IPortfolioGrain
{
    private const int MaxAttempts = 8;
    private static readonly TimeSpan s_matchInterval = TimeSpan.FromMilliseconds(500);
    private readonly HashSet<string> _restingOrders = [];
    private IGrainTimer? _matchTimer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (State is { } s && s.HomeRegion == Region)
        {
            var orders = await Services.Store.ListByPortfolioAsync(EntityType.Order, EntityId);
            foreach (var order in orders.Select(o => StateJson.Deserialize<Order>(o.Payload)).Where(o => o.Status == OrderStatus.Open))
            {
                _restingOrders.Add(order.Id);
            }

            EnsureMatching();
        }
    }

    public async Task<Portfolio> CreateAsync(string owner, decimal startingCash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(startingCash);
        if (Value is { } existing)
        {
            return existing.Owner == owner && existing.StartingCash == startingCash
                ? existing
                : throw new OperationRefusedException($"Portfolio '{EntityId}' already exists.");
        }

        var portfolio = new Portfolio(EntityId, owner, startingCash, startingCash, Services.States.Clock.Time.GetUtcNow());
        await WriteAsync(current => Services.States.Next(current, portfolio));
        return portfolio;
    }

    public async Task<Portfolio> DepositAsync(decimal amount)
    {
        if (HomeElsewhere() is { } home)
        {
            return await ForwardAsync(home, portfolio => portfolio.DepositAsync(amount));
        }

        ForwardDeadline.ThrowIfPassed(Services.States.Clock.Time, $"A deposit to portfolio '{EntityId}'");

        var state = await WriteAsync(current =>
        {
            var portfolio = Existing(current);
            return portfolio.Cash + amount < 0
                ? throw new OperationRefusedException($"Withdrawal of {-amount:0.00} exceeds cash {portfolio.Cash:0.00}.")
                : Services.States.Next(current, portfolio with { Cash = portfolio.Cash + amount });
        });
        return StateJson.Deserialize<Portfolio>(state.Payload);
    }

    public async Task<Order> PlaceOrderAsync(PlaceOrder request)
    {
        if (HomeElsewhere() is { } home)
        {
            return await ForwardAsync(home, portfolio => portfolio.PlaceOrderAsync(request));
        }

        ForwardDeadline.ThrowIfPassed(Services.States.Clock.Time, $"An order for portfolio '{EntityId}'");

        Validate(request);
        var portfolio = Existing(State);
        var orderId = request.OrderId ?? Guid.CreateVersion7().ToString("N");
        if (await Services.Store.ReadAsync(EntityType.Order, orderId) is { } known)
        {
            // A retried request gets its order as placed; an id taken by another portfolio's order is refused
            // without saying anything about that order.
            var placed = StateJson.Deserialize<Order>(known.Payload);
            return placed.PortfolioId == EntityId
                ? placed
                : throw new OperationRefusedException($"Order id '{orderId}' cannot be used: choose another.");
        }

        var order = new Order(orderId, portfolio.Id, request.Symbol, request.Side, request.Kind, request.Quantity,
            request.LimitPrice, OrderStatus.Open, null, Services.States.Clock.Time.GetUtcNow());
        var price = market.PriceOf(order.Symbol);
        if (order.Kind == OrderKind.Limit && !TradeExecution.Crosses(order, price))
        {
            await CommitOrRetryAsync(() => Task.FromResult<IReadOnlyList<LocalWrite>>([Services.States.Next(null, order)]));
            _restingOrders.Add(order.Id);
            EnsureMatching();
            return order;
        }

        return await FillAsync(order, null, price);
    }

    public async Task<Order> CancelOrderAsync(string orderId)
    {
        if (HomeElsewhere() is { } home)
        {
            return await ForwardAsync(home, portfolio => portfolio.CancelOrderAsync(orderId));
        }

        ForwardDeadline.ThrowIfPassed(Services.States.Clock.Time, $"A cancel of order '{orderId}'");

        Order? cancelled = null;
        await CommitOrRetryAsync(async () =>
        {
            var stored = await Services.Store.ReadAsync(EntityType.Order, orderId);
            var order = stored is { Deleted: false } ? StateJson.Deserialize<Order>(stored.Payload) : null;
            if (order is null || order.PortfolioId != EntityId)
            {
                throw new EntityNotFoundException($"Order '{orderId}' not found in portfolio '{EntityId}'.");
            }

            if (order.Status != OrderStatus.Open)
            {
                throw new OperationRefusedException($"Order '{orderId}' is {order.Status} and cannot be cancelled.");
            }

            cancelled = order with { Status = OrderStatus.Cancelled };
            return [Services.States.Next(stored, cancelled)];
        });
        _restingOrders.Remove(orderId);
        return cancelled!;
    }

    public async Task<int> MatchRestingOrdersAsync()
    {
        var filled = 0;
        foreach (var orderId in _restingOrders.ToList())
        {
            var stored = await Services.Store.ReadAsync(EntityType.Order, orderId);
            var order = stored is { Deleted: false } ? StateJson.Deserialize<Order>(stored.Payload) : null;
            if (order is not { Status: OrderStatus.Open })
            {
                _restingOrders.Remove(orderId);
                continue;
            }

            if (TradeExecution.Crosses(order, market.PriceOf(order.Symbol)))
            {
                var result = await FillAsync(order, stored, order.LimitPrice!.Value);
                _restingOrders.Remove(orderId);
                filled += result.Status == OrderStatus.Filled ? 1 : 0;
            }
        }

        return filled;
    }

    private async Task<Order> FillAsync(Order order, EntityState? storedOrder, decimal price)
    {
        Order outcome = order;
        await CommitOrRetryAsync(async () =>
        {
            var orderState = storedOrder ?? await Services.Store.ReadAsync(EntityType.Order, order.Id);
            var positionId = Position.IdFor(EntityId, order.Symbol);
            var positionState = await Services.Store.ReadAsync(EntityType.Position, positionId);
            var position = positionState is { Deleted: false } ? StateJson.Deserialize<Position>(positionState.Payload) : null;
            var (fill, refusal) = TradeExecution.Execute(Existing(State), position, order, price, Services.States.Clock.Time.GetUtcNow());
            if (fill is null)
            {
                outcome = order with { Status = OrderStatus.Rejected, RejectReason = refusal };
                return [Services.States.Next(orderState, outcome)];
            }

            outcome = fill.Order;
            return
            [
                Services.States.Next(State, fill.Portfolio),
                Services.States.Next(orderState, fill.Order),
                Services.States.Next(null, fill.Trade),
                Services.States.Next(positionState, fill.Position),
            ];
        });
        return outcome;
    }

    /// <summary>Builds and commits writes until no version moved underneath them.</summary>
    private async Task CommitOrRetryAsync(Func<Task<IReadOnlyList<LocalWrite>>> build)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await CommitAsync(await build()))
            {
                return;
            }
        }

        throw new OperationRefusedException($"Portfolio '{EntityId}' kept changing; the operation was abandoned after {MaxAttempts} attempts.");
    }

    private void EnsureMatching()
    {
        if (_restingOrders.Count > 0 && _matchTimer is null)
        {
            _matchTimer = this.RegisterGrainTimer(async _ =>
            {
                await MatchRestingOrdersAsync();
                if (_restingOrders.Count == 0)
                {
                    _matchTimer?.Dispose();
                    _matchTimer = null;
                }
            }, new GrainTimerCreationOptions { DueTime = s_matchInterval, Period = s_matchInterval });
        }
    }

    /// <summary>The portfolio's home region when it is not this one (its trading happens there).</summary>
    private string? HomeElsewhere() => State is { } s && s.HomeRegion != Region ? s.HomeRegion : null;

    /// <summary>Makes the call on this portfolio's grain in its home region's cluster, over the peer link.</summary>
    private Task<T> ForwardAsync<T>(string home, Func<IPortfolioGrain, Task<T>> call) =>
        Services.Reach.CallAsync(home, grains => call(grains.GetGrain<IPortfolioGrain>(EntityKey.Of(home, EntityId))));

    private Portfolio Existing(EntityState? state) =>
        state is { Deleted: false } ? StateJson.Deserialize<Portfolio>(state.Payload) : throw new EntityNotFoundException("Portfolio", EntityId);

    private static void Validate(PlaceOrder request)
    {
        if (!MarketFeed.IsListed(request.Symbol))
        {
            throw new ArgumentException($"Unknown symbol '{request.Symbol}'.", nameof(request));
        }

        if (request.Quantity <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request), "Quantity must be positive.");
        }

        if (request.Kind == OrderKind.Limit && request.LimitPrice is not > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request), "A limit order needs a positive limit price.");
        }
    }
}
