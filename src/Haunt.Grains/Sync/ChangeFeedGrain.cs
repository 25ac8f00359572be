using System.Runtime.CompilerServices;

namespace Haunt.Grains.Sync;

/// <summary>
/// Streams the region's change feed to in-cluster consumers from the silo that is asked (a stateless worker: reads only,
/// any number at once): a page of the store's feed at a time, so a slow consumer holds one page, never the backlog;
/// following, it reads again every <see cref="FollowInterval"/> once it has caught up.
/// </summary>
[StatelessWorker]
public sealed class ChangeFeedGrain(IRegionalStore store) : Grain, IChangeFeedGrain
{
    private const int PageSize = 500;

    /// <summary>How often a following reader that has caught up reads the store again.</summary>
    public static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(200);

    public async IAsyncEnumerable<ChangeFeedEntry> ReadAsync(long afterSeq, EntityType[]? types = null, string? portfolioId = null, bool follow = false,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var query = new FeedQuery(afterSeq, PageSize, types, portfolioId);
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await store.ChangesAsync(query, cancellationToken);
            foreach (var change in page.Changes)
            {
                yield return new ChangeFeedEntry(change.Seq, change.Operation, change.OriginRegion, change.CommittedAtMs, change.State);
            }

            query = query with { AfterSeq = page.LastSeq };
            if (page.Changes.Count < PageSize)
            {
                if (!follow)
                {
                    yield break;
                }

                await Task.Delay(FollowInterval, cancellationToken);
            }
        }
    }
}
