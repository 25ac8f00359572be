using Haunt.Grains.Peers;
using Haunt.Grains.Placement;
using Haunt.Grains.Replication;
using Haunt.Abstractions.Trading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Haunt.Trading.Portfolios;

/// <summary>
/// A portfolio in its home region, and the single writer of its orders, positions and trades: a fill
/// commits portfolio, order, trade and position in one transaction (with their outbox rows), so no crash
/// can leave cash and holdings disagreeing. Calls that reach another region's copy are forwarded home.
/// While limit orders rest, a timer that keeps the grain active matches them, and a reminder brings the grain
/// back if it is deactivated anyway or its silo dies: an order fills whether or not its trader is online.
/// </summary>
[RegionPlacement]
public sealed partial class PortfolioGrain(ReplicaServices services, IPriceFeed market, IOptions<TradingOptions> trading, ILogger<PortfolioGrain> log)
    : ReplicatedEntityGrain<Portfolio>(services), IPortfolioGrain, IRemindable
{
    private const int MaxAttempts = 8;
    private const string RestingOrdersReminder = "resting-orders";
    private readonly HashSet<string> _restingOrders = [];
    private IGrainTimer? _matchTimer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (State is { } s && Services.Region.Membership.HomeOf(s.HomeRegion) == Region)
        {
            var orders = await Services.Store.ListByPortfolioAsync(EntityType.Order, EntityId);
            foreach (var order in orders.Select(o => StateJson.Deserialize<Order>(o.Payload)).Where(o => o.Status == OrderStatus.Open))
            {
                _restingOrders.Add(order.Id);
            }

            if (_restingOrders.Count > 0)
            {
                await EnsureMatchingAsync();
            }
        }
    }

    /// <summary>
    /// The resting-orders reminder: activating the grain (which resumes matching) is what it is for; one that
    /// finds no order resting any more is removed.
    /// </summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        _restingOrders.Count == 0 ? EnsureMatchingAsync() : Task.CompletedTask;

    public async Task<Portfolio> CreateAsync(string owner, decimal startingCash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(startingCash);
        if (ActingUser.Current is { } user && user != owner)
        {
            throw new OperationRefusedException($"A portfolio opened for '{user}' cannot belong to '{owner}'.");
        }
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
        await EnsureFreshAsync();
        if (await HomeElsewhereAsync() is { } home)
        {
            return await ForwardAsync(home, portfolio => portfolio.DepositAsync(amount));
        }

        ForwardDeadline.ThrowIfPassed(Services.States.Clock.Time, $"A deposit to portfolio '{EntityId}'");
        await RequireActingOwnerAsync(null);

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
        await EnsureFreshAsync();
        if (await HomeElsewhereAsync() is { } home)
        {
            return await ForwardAsync(home, portfolio => portfolio.PlaceOrderAsync(request));
        }

        ForwardDeadline.ThrowIfPassed(Services.States.Clock.Time, $"An order for portfolio '{EntityId}'");
        await RequireActingOwnerAsync(null);

        Validate(request);
        var portfolio = Existing(State);
        var orderId = OrderIds.For(EntityId, request.OrderId ?? Guid.CreateVersion7().ToString("N"));
        if (await Services.Store.ReadAsync(EntityType.Order, orderId) is { } known)
        {
            // A retried request gets its order as placed. The id is this portfolio's own, so it can name no other
            // portfolio's order (short of a SHA-256 collision, refused rather than answered).
            var placed = StateJson.Deserialize<Order>(known.Payload);
            return placed.PortfolioId == EntityId
                ? placed
                : throw new OperationRefusedException($"Order id '{request.OrderId}' cannot be used: choose another.");
        }

        var order = new Order(orderId, portfolio.Id, request.Symbol, request.Side, request.Kind, request.Quantity,
            request.LimitPrice, OrderStatus.Open, null, Services.States.Clock.Time.GetUtcNow(), ClientOrderId: request.OrderId);
        var price = market.PriceOf(order.Symbol);
        if (order.Kind == OrderKind.Limit && !TradeExecution.Crosses(order, price))
        {
            if (_restingOrders.Count >= trading.Value.MaxOpenOrders)
            {
                throw new OperationRefusedException($"Portfolio '{EntityId}' has {_restingOrders.Count} open orders, the most it may have " +
                    "(Haunt:Trading:MaxOpenOrders): cancel one first.");
            }

            await CommitOrRetryAsync(() => Task.FromResult<IReadOnlyList<LocalWrite>>([Services.States.Next(null, order)]));
            _restingOrders.Add(order.Id);
            await EnsureMatchingAsync();
            return order;
        }

        return await FillAsync(order, null, price);
    }

    public async Task<Order> CancelOrderAsync(string orderId)
    {
        await EnsureFreshAsync();
        if (await HomeElsewhereAsync() is { } home)
        {
            return await ForwardAsync(home, portfolio => portfolio.CancelOrderAsync(orderId));
        }

        ForwardDeadline.ThrowIfPassed(Services.States.Clock.Time, $"A cancel of order '{orderId}'");
        await RequireActingOwnerAsync(null);

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
        // Only the home region fills: a region that is leaving stops, and the portfolio's new home matches from its
        // next activation there.
        if (Services.Region.Leaving || Services.Region.Removed || State is { } s && Services.Region.Membership.HomeOf(s.HomeRegion) != Region)
        {
            _restingOrders.Clear();
            return 0;
        }

        var filled = 0;
        foreach (var orderId in _restingOrders.ToList())
        {
            // One order that cannot be matched (bad data, a store error) must not hold up the others.
            try
            {
                filled += await MatchAsync(orderId) ? 1 : 0;
            }
            catch (System.Text.Json.JsonException ex)
            {
                _restingOrders.Remove(orderId);
                LogUnreadableOrder(log, orderId, EntityId, ex);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogMatchFailed(log, orderId, EntityId, ex);
            }
        }

        return filled;
    }

    /// <summary>Fills one resting order if the price crosses its limit; whether it filled.</summary>
    private async Task<bool> MatchAsync(string orderId)
    {
        var stored = await Services.Store.ReadAsync(EntityType.Order, orderId);
        var order = stored is { Deleted: false } ? StateJson.Deserialize<Order>(stored.Payload) : null;
        if (order is not { Status: OrderStatus.Open })
        {
            _restingOrders.Remove(orderId);
            return false;
        }

        if (!TradeExecution.Crosses(order, market.PriceOf(order.Symbol)))
        {
            return false;
        }

        var result = await FillAsync(order, stored, order.LimitPrice!.Value);
        _restingOrders.Remove(orderId);
        return result.Status == OrderStatus.Filled;
    }

    /// <summary>
    /// Fills <paramref name="order"/> at <paramref name="price"/>. <paramref name="storedOrder"/> is the resting
    /// order's row as matched (null for a new order); a retry reads it again, since a version that moved is why
    /// the attempt before failed, and stops if the order is no longer open.
    /// </summary>
    private async Task<Order> FillAsync(Order order, EntityState? storedOrder, decimal price)
    {
        Order outcome = order;
        var attempt = 0;
        await CommitOrRetryAsync(async () =>
        {
            var orderState = attempt++ == 0 || storedOrder is null ? storedOrder : await Services.Store.ReadAsync(EntityType.Order, order.Id);
            if (storedOrder is not null && (orderState is not { Deleted: false } || StateJson.Deserialize<Order>(orderState.Payload) is not { Status: OrderStatus.Open }))
            {
                outcome = orderState is { Deleted: false } ? StateJson.Deserialize<Order>(orderState.Payload) : order;
                return [];
            }

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
            var writes = await build();
            if (writes.Count == 0 || await CommitAsync(writes))
            {
                return;
            }
        }

        throw new OperationRefusedException($"Portfolio '{EntityId}' kept changing; the operation was abandoned after {MaxAttempts} attempts.");
    }

    /// <summary>
    /// Starts matching while orders rest: a timer that keeps the grain active (idle collection would otherwise
    /// stop it) and a reminder that reactivates the grain after a deactivation or the loss of its silo. Both go
    /// once no order rests.
    /// </summary>
    private async Task EnsureMatchingAsync()
    {
        if (_restingOrders.Count == 0)
        {
            if (await this.GetReminder(RestingOrdersReminder) is { } stale)
            {
                await this.UnregisterReminder(stale);
            }

            return;
        }

        if (_matchTimer is not null)
        {
            return;
        }

        var every = trading.Value.RestingOrderReminder;
        await this.RegisterOrUpdateReminder(RestingOrdersReminder, every, every);
        var interval = trading.Value.MatchInterval;
        _matchTimer = this.RegisterGrainTimer(async _ =>
        {
            await MatchRestingOrdersAsync();
            if (_restingOrders.Count == 0)
            {
                _matchTimer?.Dispose();
                _matchTimer = null;
                await EnsureMatchingAsync();
            }
        }, new GrainTimerCreationOptions { DueTime = interval, Period = interval, KeepAlive = true });
    }

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

        if (!Enum.IsDefined(request.Side) || !Enum.IsDefined(request.Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(request), $"Side {(int)request.Side} or kind {(int)request.Kind} is not defined.");
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Resting order {OrderId} of portfolio {PortfolioId} cannot be read and is no longer matched")]
    private static partial void LogUnreadableOrder(ILogger logger, string orderId, string portfolioId, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Matching resting order {OrderId} of portfolio {PortfolioId} failed; it is tried again on the next round")]
    private static partial void LogMatchFailed(ILogger logger, string orderId, string portfolioId, Exception ex);
}
