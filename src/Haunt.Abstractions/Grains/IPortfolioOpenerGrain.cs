using Haunt.Abstractions.Entities;

namespace Haunt.Abstractions.Grains;

/// <summary>
/// Opens the portfolios of one user (the grain's key) in this region, one at a time, within the user's portfolio
/// quota. Not callable by peers: a portfolio is opened only by its own user, in the region they are served by.
/// </summary>
[Alias("haunt.IPortfolioOpenerGrain")]
public interface IPortfolioOpenerGrain : IGrainWithStringKey
{
    /// <summary>A new portfolio of this user, at home in this region; refused once the user holds the most they may.</summary>
    [Alias("OpenAsync")]
    Task<Portfolio> OpenAsync(decimal startingCash, CancellationToken cancellationToken = default);
}
