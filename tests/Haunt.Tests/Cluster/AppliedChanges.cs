using System.Collections.Concurrent;

namespace Haunt.Tests.Cluster;

/// <summary>
/// What one region's store was handed to apply from its peers while a test listened (live batches and
/// repairs alike), and what it stored of it: lets a test tell "a duplicate arrived and was skipped" from
/// "a duplicate arrived and was stored again", which the final state alone cannot (replication is state-based).
/// </summary>
public sealed class AppliedChanges(Action detach) : IDisposable
{
    private readonly ConcurrentQueue<(IReadOnlyList<ChangeItem> Items, ApplyResult Result)> _applies = new();

    /// <summary>Every change received, in arrival order.</summary>
    public IReadOnlyList<EntityState> Received => [.. _applies.SelectMany(a => a.Items.Select(i => i.State))];

    /// <summary>Every state stored by those applies (the incoming one, or a conflict's merged winner).</summary>
    public IReadOnlyList<EntityState> Stored => [.. _applies.SelectMany(a => a.Result.Stored)];

    /// <summary>
    /// Changes (of the entities <paramref name="of"/> picks, or all) that arrived again after an identical copy
    /// (same entity, same vector) had arrived and been applied before: each must have been skipped.
    /// </summary>
    public long Redelivered(Func<EntityState, bool>? of = null)
    {
        var received = Received.Where(of ?? (_ => true)).ToList();
        return received.Count - received.Select(s => (s.Type, s.Id, s.Vector)).Distinct().Count();
    }

    /// <summary>States (of the entities <paramref name="of"/> picks, or all) stored more than once with the same vector: each is a double apply.</summary>
    public IReadOnlyList<string> StoredTwice(Func<EntityState, bool>? of = null) => [.. Stored.Where(of ?? (_ => true))
        .GroupBy(s => (s.Type, s.Id, s.Vector)).Where(g => g.Count() > 1)
        .Select(g => $"{g.Key.Type} {g.Key.Id} {g.Key.Vector} stored {g.Count()} times")];

    public IReadOnlyList<EntityState> ReceivedOf(string id) => [.. Received.Where(s => s.Id == id)];

    public IReadOnlyList<EntityState> StoredOf(string id) => [.. Stored.Where(s => s.Id == id)];

    internal async Task<ApplyResult> RecordAsync(IReadOnlyList<ChangeItem> items, Task<ApplyResult> apply)
    {
        var result = await apply;
        _applies.Enqueue((items, result));
        return result;
    }

    public void Dispose() => detach();
}
