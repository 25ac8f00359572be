using Haunt.Trading.Market;

namespace Haunt.Silo.Api;

/// <summary>
/// Body of PUT /api/portfolios/{id}/strategies/{strategyId}: a strategy's name, free-form parameters, whether it runs,
/// and its document (what a running strategy keeps: settings, price window, signals, model). Fields are nullable so a
/// missing one is a 422 naming it. The whole body is bounded by the API's 64 KB (413 past it); the document's lists by
/// the limits below.
/// </summary>
public sealed record StrategyRequest(string? Name, string? Parameters, bool? Enabled, StrategyDocument? Document)
{
    public const int MaxName = 100;
    public const int MaxParameters = 4096;
    public const int MaxSettings = 64;
    public const int MaxWindow = 1024;
    public const int MaxSignals = 256;
    public const int MaxWeights = 4096;

    public (string Field, string Message)? Invalid() =>
        string.IsNullOrWhiteSpace(Name) || Name.Length > MaxName ? ("name", $"A name of 1–{MaxName} characters is required.")
        : Parameters is { Length: > MaxParameters } ? ("parameters", $"Parameters are at most {MaxParameters} characters.")
        : Enabled is null ? ("enabled", "Enabled is required: true or false.")
        : Document is { } d ? InvalidDocument(d)
        : null;

    public Strategy ToStrategy(string id, string portfolioId) => new(id, portfolioId, Name!, Parameters ?? "", Enabled!.Value, Document);

    private static (string Field, string Message)? InvalidDocument(StrategyDocument d) =>
        d.Symbol is null || !MarketFeed.IsListed(d.Symbol) ? ("document.symbol", $"Symbol must be one of {string.Join(", ", MarketFeed.Symbols)}.")
        : d.Settings is null || d.Settings.Count > MaxSettings || d.Settings.Keys.Any(k => k.Length is 0 or > 64)
            ? ("document.settings", $"At most {MaxSettings} settings, each named in 1–64 characters.")
        : d.Window is null || d.Window.Count > MaxWindow ? ("document.window", $"A window of at most {MaxWindow} prices is required.")
        : d.Signals is null || d.Signals.Count > MaxSignals || d.Signals.Any(s => s is null || !Enum.IsDefined(s.Side))
            ? ("document.signals", $"At most {MaxSignals} signals, each with a side of Buy or Sell.")
        : d.Model is null || d.Model.Count > MaxWeights ? ("document.model", $"A model of at most {MaxWeights} weights is required.")
        : d.Ticks < 0 ? ("document.ticks", "Ticks must not be negative.")
        : null;
}
