using System.Data.Common;

namespace Haunt.Storage.Sql;

/// <summary>
/// What differs between the SQL engines a regional store runs on. Everything else — the tables' shape, the
/// statements, the group-commit writer of each silo — is one code path in <see cref="SqlRegionalStore"/>, so
/// both engines keep the same semantics (atomic local commit with version check, one transaction per
/// applied batch, one conflict row per pair).
/// </summary>
public abstract class SqlDialect : IAsyncDisposable
{
    /// <summary>The folder of numbered schema scripts under sql/ (sqlite, postgres).</summary>
    public abstract string Name { get; }

    /// <summary>Where the data lives, for messages and logs (a file path, or host/database/schema).</summary>
    public abstract string Location { get; }

    /// <summary>
    /// Whether the writer keeps one command per statement and rebinds it. SQLite keeps the compiled statement on
    /// the command, so reuse saves a parse per write; Npgsql prepares by statement text per connection instead,
    /// and a reused command would keep the parameter objects it was first prepared with.
    /// </summary>
    public abstract bool ReuseCommands { get; }

    /// <summary>A pooled connection, not yet opened.</summary>
    public abstract DbConnection CreateConnection();

    /// <summary>Session settings of the writer's connection (journal mode, synchronous commit, …).</summary>
    public virtual void PrepareWriter(DbConnection connection)
    {
    }

    /// <summary>Runs before the schema scripts, on the migrating connection (create folder or schema, take a lock).</summary>
    public virtual Task BeforeMigrateAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A statement run first in each migration transaction so that silos starting at once migrate one at a time (null: the engine serialises writers anyway).</summary>
    public virtual string? MigrationLock => null;

    /// <summary>A predicate "column is one of the values bound to parameter".</summary>
    public abstract string InList(string column, string parameter);

    /// <summary>A predicate "column is none of the values bound to parameter".</summary>
    public abstract string NotInList(string column, string parameter);

    /// <summary>The parameter value of a list for <see cref="InList"/> / <see cref="NotInList"/>.</summary>
    public abstract object ListValue<T>(IReadOnlyCollection<T> values);

    /// <summary>A rowset of the values bound to <paramref name="parameter"/> (see <see cref="ListValue"/>), as one column named <paramref name="column"/>.</summary>
    public abstract string ListRows(string parameter, string column);

    /// <summary>A scalar: the seq of the outbox row this transaction inserted last.</summary>
    public abstract string LastInsertedOutboxSeq { get; }

    /// <summary>A scalar subquery: the last outbox seq handed out (0 if none), surviving the rows' deletion.</summary>
    public abstract string LastOutboxSeq { get; }

    /// <summary>
    /// A statement run before a transaction draws change-feed seqs, held until it commits, so that seq order is commit
    /// order when several writers share the store (null: the engine lets one writer commit at a time anyway).
    /// </summary>
    public virtual string? FeedLock => null;

    /// <summary>The two-argument maximum function (SQLite MAX, PostgreSQL GREATEST).</summary>
    public abstract string Greatest { get; }

    /// <summary>Closes pooled connections (the store is being disposed).</summary>
    public abstract ValueTask DisposeAsync();
}
