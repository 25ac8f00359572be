using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Haunt.Silo.Api;

/// <summary>
/// One consumer's read of the feed from where its token points: a page at a time, waiting for changes when there are
/// none yet (long-poll), or as a stream of server-sent events. It holds one page at most: a consumer slower than the
/// writes is waited for by the response stream (the next page is read once the last one is written), never buffered.
/// </summary>
internal sealed class FeedReader(IRegionalStore store, FeedSignal signal, string region, FeedQuery query, JsonSerializerOptions json)
{
    private long _after = query.AfterSeq;

    /// <summary>The next page; when it is empty, reads again on every commit here (and every poll interval) until <paramref name="wait"/> ends.</summary>
    public async Task<FeedPage> NextPageAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var committed = signal.Next; // before the read: a commit during it still wakes the wait below
            var page = await store.ChangesAsync(query with { AfterSeq = _after }, cancellationToken);
            _after = page.LastSeq;
            var left = wait - Stopwatch.GetElapsedTime(started);
            if (page.Changes.Count > 0 || left <= TimeSpan.Zero)
            {
                return page;
            }

            await Task.WhenAny(committed, Task.Delay(left < ChangeFeedEndpoints.PollInterval ? left : ChangeFeedEndpoints.PollInterval, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Every change from the token on as a `change` event (its token the event id), and a `heartbeat` after <paramref name="heartbeat"/> of silence; until the client goes.</summary>
    public async IAsyncEnumerable<SseItem<string>> StreamAsync(TimeSpan heartbeat, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            FeedPage page;
            try
            {
                page = await NextPageAsync(heartbeat, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            if (page.Changes.Count == 0)
            {
                yield return new SseItem<string>("{}", "heartbeat");
                continue;
            }

            foreach (var change in page.Changes)
            {
                var entry = FeedEntry.Of(region, change);
                yield return new SseItem<string>(JsonSerializer.Serialize(entry, json), "change") { EventId = entry.Token };
            }
        }
    }
}
