using Haunt.Abstractions.Entities;
using Haunt.Abstractions.Sync;

namespace Haunt.Abstractions.Grains;

/// <summary>
/// The change feed of a region (key = region) for consumers that run next to its silos, as a stream of the grain's
/// answer (Orleans response streaming): every change after <c>afterSeq</c> in the region's commit order, deletes
/// included; with <c>follow</c> it goes on as changes come until the caller cancels. Not callable by peer regions.
/// </summary>
[Alias("haunt.IChangeFeedGrain")]
public interface IChangeFeedGrain : IGrainWithStringKey
{
    [Alias("ReadAsync")]
    IAsyncEnumerable<ChangeFeedEntry> ReadAsync(long afterSeq, EntityType[]? types = null, string? portfolioId = null, bool follow = false,
        CancellationToken cancellationToken = default);
}
