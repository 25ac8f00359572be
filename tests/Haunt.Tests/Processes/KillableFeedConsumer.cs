using System.Net.ServerSentEvents;
using System.Text.Json;

namespace Haunt.Tests.Processes;

/// <summary>
/// A consumer of a region's change feed that is killed at random points. Each session resumes from the token the
/// consumer last saved: a server-sent-event stream resumed with Last-Event-ID, or long-poll pages. It saves its token
/// every few changes, as a real consumer persists its checkpoint, so a kill loses what it received after the last save
/// (the feed then delivers that again). A session ends after a random number of changes or time, or when the
/// connection breaks (the silo it reads from killed).
/// </summary>
public sealed class KillableFeedConsumer(HttpClient http, int seed)
{
    private readonly Random _random = new(seed);

    public List<FeedSession> Sessions { get; } = [];

    /// <summary>The last token saved; the next session starts after it.</summary>
    public string? Saved { get; private set; }

    public static long SeqOf(string token) => long.Parse(token[(token.LastIndexOf('.') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One session: reads until killed (a random count or time), then drops everything it did not save.</summary>
    public async Task RunSessionAsync(CancellationToken cancellationToken)
    {
        var session = new FeedSession(Saved is null ? 0 : SeqOf(Saved), _random.Next(2) == 0, []);
        Sessions.Add(session);
        var (killAfter, saveEvery) = (_random.Next(1, 400), _random.Next(1, 12));
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        kill.CancelAfter(TimeSpan.FromMilliseconds(_random.Next(100, 2500)));
        var unsaved = 0;
        void Received(string token, JsonElement change)
        {
            kill.Token.ThrowIfCancellationRequested(); // killed: the rest of a page is never processed
            session.Changes.Add(ReceivedChange.Of(SeqOf(token), change));
            if (++unsaved >= saveEvery)
            {
                (Saved, unsaved) = (token, 0);
            }

            if (session.Changes.Count >= killAfter)
            {
                kill.Cancel();
            }
        }

        try
        {
            if (session.Streamed)
            {
                await StreamAsync(Received, kill.Token);
            }
            else
            {
                await PollAsync(Received, kill.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            // Killed, or the silo it read from went away mid-answer: what was not saved is lost either way.
        }
    }

    private async Task StreamAsync(Action<string, JsonElement> received, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/changes");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (Saved is not null)
        {
            request.Headers.Add("Last-Event-ID", Saved);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            if (item.EventType == "change")
            {
                received(item.EventId!, JsonDocument.Parse(item.Data).RootElement);
            }
        }
    }

    private async Task PollAsync(Action<string, JsonElement> received, CancellationToken cancellationToken)
    {
        var next = Saved;
        while (!cancellationToken.IsCancellationRequested)
        {
            var query = $"/api/changes?limit={_random.Next(1, 200)}&wait=1" + (next is null ? "" : $"&since={next}");
            using var response = await http.GetAsync(query, cancellationToken);
            response.EnsureSuccessStatusCode();
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement;
            foreach (var change in page.GetProperty("changes").EnumerateArray())
            {
                received(change.GetProperty("token").GetString()!, change);
            }

            next = page.GetProperty("next").GetString();
        }
    }
}
