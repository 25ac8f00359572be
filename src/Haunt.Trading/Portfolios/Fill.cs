using Haunt.Abstractions.Trading;

namespace Haunt.Trading.Portfolios;

/// <summary>The outcome of filling an order: every record it changes, or why it was refused.</summary>
public sealed record Fill(Portfolio Portfolio, Position Position, Trade Trade, Order Order);
