using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Haunt.Tests.Cluster;

/// <summary>
/// Test seam around a region's store: passes every call through, except that a local commit touching the
/// entity named by an armed <see cref="CommitPause"/> is held after it committed and before its caller sees
/// the result, so a test can make another call interleave exactly there; and that remote applies are told to
/// an attached <see cref="AppliedChanges"/>; and that digest scans can be held (<see cref="Cluster.DigestHold"/>).
/// </summary>
public class PausableStore : DispatchProxy
{
    public IRegionalStore Inner { get; private set; } = null!;

    public CommitPause? Pause { get; set; }

    /// <summary>Runs once, just before the next local commit that touches the entity (a concurrent writer getting there first).</summary>
    public (string EntityId, Action Run)? Interference { get; set; }

    /// <summary>Holds the next remote apply of a batch naming the entity, after it landed (the sync loop's turn waits meanwhile).</summary>
    public CommitPause? ApplyPause { get; set; }

    public AppliedChanges? Applies { get; set; }

    /// <summary>Holds a read of states, after it read and before its caller sees them (the shipping side of a repair).</summary>
    public StateReadPause? ReadPause { get; set; }

    /// <summary>Holds digest scans until their caller's token is cancelled or the hold is lifted.</summary>
    public DigestHold? DigestHold { get; set; }

    public static IRegionalStore Wrap(IRegionalStore inner)
    {
        var proxy = Create<IRegionalStore, PausableStore>();
        ((PausableStore)(object)proxy).Inner = inner;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        try
        {
            if (targetMethod!.Name == nameof(IRegionalStore.CommitLocalAsync) && Interference is { } interference
                && ((IReadOnlyList<LocalWrite>)args![0]!).Any(w => w.State.Id == interference.EntityId))
            {
                Interference = null;
                interference.Run();
            }

            if (targetMethod.Name == nameof(IRegionalStore.DigestAsync) && DigestHold is { } hold)
            {
                return hold.HoldAsync(() => (Task<RegionDigest>)targetMethod.Invoke(Inner, args)!, (CancellationToken)args![0]!);
            }

            var result = targetMethod.Invoke(Inner, args);
            if (targetMethod.Name == nameof(IRegionalStore.ApplyRemoteAsync) && ApplyPause is { } held
                && ((IReadOnlyList<ChangeItem>)args![1]!).Any(i => i.State.Id == held.EntityId))
            {
                result = held.HoldAsync((Task<ApplyResult>)result!);
            }

            if (targetMethod.Name == nameof(IRegionalStore.ReadManyAsync) && ReadPause is { } read && read.Takes((EntityType)args![0]!))
            {
                ReadPause = null;
                return read.HoldAsync((Task<IReadOnlyList<EntityState>>)result!);
            }

            if (targetMethod.Name == nameof(IRegionalStore.ApplyRemoteAsync) && Applies is { } applies)
            {
                return applies.RecordAsync((IReadOnlyList<ChangeItem>)args![1]!, (Task<ApplyResult>)result!);
            }

            return targetMethod.Name == nameof(IRegionalStore.CommitLocalAsync) && Pause is { } pause
                && ((IReadOnlyList<LocalWrite>)args![0]!).Any(w => w.State.Id == pause.EntityId)
                ? pause.HoldAsync((Task<CommitResult>)result!)
                : result;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }
}

/// <summary>Holds the next commit of one entity until released; tells when the commit is held.</summary>
public sealed class CommitPause(string entityId)
{
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string EntityId { get; } = entityId;

    /// <summary>Completes once a commit of the entity has landed in the store and is being held.</summary>
    public Task Held => _held.Task;

    public void Release() => _release.TrySetResult();

    internal async Task<T> HoldAsync<T>(Task<T> commit)
    {
        var result = await commit;
        _held.TrySetResult();
        await _release.Task;
        return result;
    }
}
