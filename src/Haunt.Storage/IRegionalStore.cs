namespace Haunt.Storage;

/// <summary>
/// The durable copy of one region: entity tables plus the sync tables, by role (entities, outbox, sync ledger,
/// operator queries, change feed). Writes are atomic with their outbox and feed rows; remote batches apply in one transaction.
/// </summary>
public interface IRegionalStore : IEntityStore, IOutboxStore, ISyncLedger, IOperatorQueries, IMembershipStore, IChangeFeedStore, IAsyncDisposable
{
    /// <summary>Where the store lives (a file, or a server, database and schema), for messages to operators.</summary>
    string Location { get; }

    /// <summary>Opens the store: creates or migrates its schema and starts its writer.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);
}
