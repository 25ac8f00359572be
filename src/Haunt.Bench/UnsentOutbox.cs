using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Haunt.Bench;

/// <summary>
/// The benchmark's "replication off" seam around a region's store: every write still commits its entity row and its
/// outbox row in one transaction, but the sync loop finds nothing to send and no backlog, so nothing is read back
/// or leaves. What the replicated phases cost on top of the write path is then the whole of replication.
/// </summary>
public class UnsentOutbox : DispatchProxy
{
    private IRegionalStore _inner = null!;

    /// <summary>Puts the seam around the store this silo registered.</summary>
    public static void AddTo(ISiloBuilder silo)
    {
        var real = silo.Services.Single(d => d.ServiceType == typeof(IRegionalStore));
        silo.Services.Remove(real);
        silo.Services.AddSingleton(sp =>
        {
            var proxy = Create<IRegionalStore, UnsentOutbox>();
            ((UnsentOutbox)(object)proxy)._inner = (IRegionalStore)real.ImplementationFactory!(sp);
            return proxy;
        });
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        switch (targetMethod!.Name)
        {
            case nameof(IOutboxStore.PendingForPeerAsync):
                return Task.FromResult<IReadOnlyList<OutboxRow>>([]);
            case nameof(IOutboxStore.PendingSizeAsync):
                return Task.FromResult(new PendingSize(0, 0));
            case nameof(IOutboxStore.PendingSpanAsync):
                return Task.FromResult(0L);
            case nameof(IOutboxStore.BacklogAsync):
                return Task.FromResult(new Backlog(0, 0, null));
            default:
                try
                {
                    return targetMethod.Invoke(_inner, args);
                }
                catch (TargetInvocationException ex) when (ex.InnerException is not null)
                {
                    ExceptionDispatchInfo.Throw(ex.InnerException);
                    throw;
                }
        }
    }
}
