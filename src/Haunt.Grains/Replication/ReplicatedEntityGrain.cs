using Haunt.Grains.Door;
using Haunt.Grains.Peers;

namespace Haunt.Grains.Replication;

/// <summary>
/// The version and write logic of all 13 entity grains, written once. State lives in the regional store;
/// the grain caches it, writes through the store (entity row + outbox row in one transaction, checked
/// against the version it read), and takes newer versions pushed by the sync layer.
/// </summary>
public abstract class ReplicatedEntityGrain<T>(ReplicaServices services) : Grain, IEntityGrain<T>, IHomeOfWrites
    where T : class, IEntity
{
    private const int MaxWriteAttempts = 8;

    protected static EntityTypeInfo Info { get; } = EntityTypes.Of<T>();

    protected ReplicaServices Services => services;

    protected string Region { get; private set; } = "";

    protected string EntityId { get; private set; } = "";

    protected EntityState? State { get; private set; }

    /// <summary>When <see cref="State"/> was last known to match the store (read, refreshed or written).</summary>
    private DateTimeOffset _checkedAt;

    protected T? Value => State is { Deleted: false } s ? StateJson.Deserialize<T>(s.Payload) : null;

    /// <summary>Only strong entities have a home region that other regions forward their writes to.</summary>
    public bool TakesForwardedWrites => Info.Consistency == Consistency.Strong;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (Region, EntityId) = EntityKey.Parse(this.GetPrimaryKeyString());
        if (Region != services.Region.Name)
        {
            throw new InvalidOperationException($"Grain {this.GetPrimaryKeyString()} activated on a silo of region '{services.Region.Name}'.");
        }

        services.Active.Add(Info.Type, EntityId);
        await ReloadAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        services.Active.Remove(Info.Type, EntityId);
        return Task.CompletedTask;
    }

    // Reads take the caller's token (an HTTP request aborted, a peer's call given up): a re-read of a stale cache
    // stops with it. Writes take none: once a write runs it goes to its commit, and its caller bounds the wait.
    public async Task<T?> GetAsync(CancellationToken cancellationToken = default)
    {
        await EnsureFreshAsync(cancellationToken);
        return Value;
    }

    public async Task<EntityState?> GetStateAsync(CancellationToken cancellationToken = default)
    {
        await EnsureFreshAsync(cancellationToken);
        return State;
    }

    public Task RefreshAsync(VersionVector changed) =>
        State is { } cached && changed.Compare(cached.Vector) is VectorOrder.Older or VectorOrder.Equal
            ? Task.CompletedTask
            : ReloadAsync();

    /// <summary>Reads the row again if the cache is older than <see cref="ReplicaOptions.MaxCacheAge"/> (a refresh may have been lost).</summary>
    protected Task EnsureFreshAsync(CancellationToken cancellationToken = default) =>
        services.States.Clock.Time.GetUtcNow() - _checkedAt > services.Options.Value.MaxCacheAge ? ReloadAsync(cancellationToken) : Task.CompletedTask;

    private async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        var checkedAt = services.States.Clock.Time.GetUtcNow();
        Adopt(await services.Store.ReadAsync(Info.Type, EntityId, cancellationToken));
        _checkedAt = checkedAt;
    }

    public virtual async Task<EntityState> PutAsync(T value)
    {
        if (value.Id != EntityId)
        {
            throw new ArgumentException($"Value id '{value.Id}' does not match grain id '{EntityId}'.", nameof(value));
        }

        await EnsureFreshAsync();
        var home = await HomeRegionAsync(value);
        if (Info.Consistency == Consistency.Strong && home != Region)
        {
            return await ForwardAsync(home, grain => grain.PutAsync(value));
        }

        ForwardDeadline.ThrowIfPassed(services.States.Clock.Time, $"{Info.Type} '{EntityId}'");
        await RequireActingOwnerAsync(value);

        if (Info.IsAppendOnly && State is { Deleted: false } existing)
        {
            // Append-only records are written once; a retried insert with the same content is a no-op.
            return existing.Payload == StateJson.Serialize(value, typeof(T))
                ? existing
                : throw new OperationRefusedException($"{Info.Type} '{EntityId}' is append-only and already exists.");
        }

        return await WriteAsync(current => services.States.Next(current, value, homeRegion: home));
    }

    public virtual async Task<EntityState?> DeleteAsync()
    {
        await EnsureFreshAsync();
        if (Info.Consistency == Consistency.Strong && await HomeElsewhereAsync() is { } home)
        {
            return await ForwardAsync(home, grain => grain.DeleteAsync());
        }

        ForwardDeadline.ThrowIfPassed(services.States.Clock.Time, $"A delete of {Info.Type} '{EntityId}'");
        await RequireActingOwnerAsync(null);

        if (State is null or { Deleted: true })
        {
            return State;
        }

        return await WriteAsync(current => services.States.Next(current, StateJson.Deserialize<T>(current!.Payload), delete: true));
    }

    /// <summary>
    /// Caches <paramref name="state"/> unless the cached state is already newer. Every path that sets the cache
    /// after an await goes through here: <see cref="RefreshAsync"/> interleaves with writes, so while a write
    /// awaits its commit a refresh may install a merged state that already contains the write, and putting the
    /// write's own (older) state back afterwards would lose the remote change until the grain is reactivated.
    /// </summary>
    private void Adopt(EntityState? state)
    {
        if (state is not null && (State is null || state.Vector.Compare(State.Vector) == VectorOrder.Newer))
        {
            State = state;
        }
    }

    /// <summary>
    /// Where a strong entity may be written: its recorded home (or that home's successor once it left); for a new one,
    /// its portfolio's (orders, positions and options follow their portfolio), the primary for the insurance fund, else here.
    /// A new strong entity of a portfolio this region does not hold (not created, or not replicated here yet) is
    /// refused: homing it here would give the portfolio's entities a second home.
    /// </summary>
    protected async Task<string> HomeRegionAsync(T value)
    {
        if (State is { } s)
        {
            return Info.Consistency == Consistency.Strong ? await HomeElsewhereAsync() ?? Region : s.HomeRegion;
        }

        if (Info.Consistency != Consistency.Strong || Info.Type == EntityType.Portfolio)
        {
            return Region;
        }

        if (value is IPortfolioOwned owned)
        {
            var portfolio = await services.Store.ReadAsync(EntityType.Portfolio, owned.PortfolioId)
                ?? throw new EntityNotFoundException($"Portfolio '{owned.PortfolioId}' of {Info.Type} '{EntityId}' is not known in region '{Region}' (not created, or not replicated here yet).");
            return services.Region.Membership.HomeOf((await HandedOverAsync(portfolio)).HomeRegion);
        }

        return services.Region.Regions.Primary;
    }

    /// <summary>
    /// Where this entity is written when that is not here: its recorded home, or the successor of a home that left.
    /// A home that is leaving hands the entity over by writing it again with its new home; a write here waits for
    /// that write to arrive (<see cref="ReplicaOptions.HandoverWait"/>) rather than forward to a region that takes
    /// no writes, or write here concurrently with the leaving region's last ones.
    /// </summary>
    protected async Task<string?> HomeElsewhereAsync()
    {
        if (State is not { } s)
        {
            return null;
        }

        if (services.Region.Removed)
        {
            // It has no peers to forward to, and writes nothing itself.
            RefuseWhileLeaving();
        }

        Adopt(await HandedOverAsync(s));
        var home = services.Region.Membership.HomeOf(State!.HomeRegion);
        return home == Region ? null : home;
    }

    /// <summary><paramref name="state"/>, or once its home is leaving, the state that hands it over (read from the store as it arrives).</summary>
    private async Task<EntityState> HandedOverAsync(EntityState state)
    {
        var time = services.States.Clock.Time;
        var deadline = time.GetUtcNow() + services.Options.Value.HandoverWait;
        while (state.HomeRegion != Region && services.Region.Membership.IsLeaving(state.HomeRegion))
        {
            if (time.GetUtcNow() > deadline)
            {
                throw new RegionLeavingException($"{state.Type} '{state.Id}' is being handed over by {state.HomeRegion}, which is leaving the deployment; retry in a moment.");
            }

            await Task.Delay(s_handoverPoll, time);
            state = await services.Store.ReadAsync(state.Type, state.Id) ?? state;
        }

        return state;
    }

    private static readonly TimeSpan s_handoverPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>A region that is leaving (or left) takes no new writes: it only hands over and drains (its sync loop's writes).</summary>
    private void RefuseWhileLeaving()
    {
        if (services.Region.Leaving || services.Region.Removed)
        {
            throw new RegionLeavingException($"Region '{Region}' is leaving the deployment and takes no new writes; write in {services.Region.Membership.SuccessorOf(Region) ?? "another region"}.");
        }
    }

    /// <summary>
    /// A write made for a user (<see cref="ActingUser"/>: from the HTTP API, or forwarded from another region on its
    /// behalf) is refused as if the entity did not exist unless that user owns the portfolio of what is written, and
    /// of what it replaces. Entities of no portfolio (the insurance fund) have no owner to check; without a user the
    /// write is the region's own (matching, load).
    /// </summary>
    protected async Task RequireActingOwnerAsync(T? value)
    {
        if (ActingUser.Current is not { } user)
        {
            return;
        }

        foreach (var entity in new[] { value, Value })
        {
            var owner = entity switch
            {
                null => user,
                Portfolio portfolio => portfolio.Owner,
                IPortfolioOwned owned => await OwnerOfAsync(owned.PortfolioId),
                _ => user,
            };
            if (owner != user)
            {
                throw new EntityNotFoundException(Info.Type.ToString(), EntityId);
            }
        }
    }

    private async Task<string?> OwnerOfAsync(string portfolioId) =>
        await services.Store.ReadAsync(EntityType.Portfolio, portfolioId) is { Deleted: false } stored
            ? StateJson.Deserialize<Portfolio>(stored.Payload).Owner
            : null;

    /// <summary>Makes the call on the same entity's grain in its home region's cluster, over the peer link.</summary>
    private Task<TResult> ForwardAsync<TResult>(string home, Func<IWritableEntityGrain<T>, Task<TResult>> call) =>
        services.Reach.CallAsync(home, grains =>
            call((IWritableEntityGrain<T>)grains.GetGrain(EntityGrainTypes.InterfaceOf(Info.Type), EntityKey.Of(home, EntityId))));

    /// <summary>Commits the write that <paramref name="next"/> builds on the current state, re-reading on a race.</summary>
    protected async Task<EntityState> WriteAsync(Func<EntityState?, LocalWrite> next)
    {
        RefuseWhileLeaving();
        for (var attempt = 1; ; attempt++)
        {
            var write = next(State);
            var result = await services.Store.CommitLocalAsync([write]);
            if (result.Status == CommitStatus.Committed)
            {
                Adopt(write.State);
                _checkedAt = services.States.Clock.Time.GetUtcNow();
                return write.State;
            }

            // A remote change landed between our read and our write: take it and build on top of it.
            Adopt(result.Current);
            if (attempt == MaxWriteAttempts)
            {
                throw new OperationRefusedException($"{Info.Type} '{EntityId}' kept changing; write abandoned after {attempt} attempts.");
            }
        }
    }

    /// <summary>Commits several entities atomically; false if any moved (this grain's state is then reloaded).</summary>
    protected async Task<bool> CommitAsync(IReadOnlyList<LocalWrite> writes)
    {
        RefuseWhileLeaving();
        var result = await services.Store.CommitLocalAsync(writes);
        if (result.Status != CommitStatus.Committed)
        {
            Adopt(await services.Store.ReadAsync(Info.Type, EntityId));
            return false;
        }

        foreach (var write in writes)
        {
            if (write.State.Type == Info.Type && write.State.Id == EntityId)
            {
                Adopt(write.State);
            }
        }

        await services.Notifier.NotifyAsync([.. writes.Select(w => w.State)], except: (Info.Type, EntityId));
        return true;
    }
}
