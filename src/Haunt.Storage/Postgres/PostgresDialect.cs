using System.Data.Common;
using Haunt.Storage.Sql;
using Npgsql;

namespace Haunt.Storage.Postgres;

/// <summary>
/// A region's store in PostgreSQL: the same tables in a schema of their own (haunt_&lt;region&gt; by default),
/// so the three regions of a test or a small deployment can share one server and one database while each
/// region's data stays apart.
/// </summary>
public sealed class PostgresDialect : SqlDialect
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;

    public PostgresDialect(string connectionString, string schema)
    {
        _schema = IsPlainName(schema) ? schema : throw new ArgumentException($"'{schema}' is not a plain schema name (lower-case letters, digits, _).", nameof(schema));
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            SearchPath = schema,
            // The writer repeats a few dozen statements: let Npgsql prepare them server-side after two uses.
            MaxAutoPrepare = 64,
            AutoPrepareMinUsages = 2,
        };
        Location = $"{builder.Host}:{builder.Port}/{builder.Database ?? "(default database)"} schema {schema}";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string Name => "postgres";

    public override string Location { get; }

    public static string DefaultSchema(string region) => RegionNames.IsWellFormed(region)
        ? "haunt_" + region.Replace('-', '_')
        : throw new ArgumentException($"'{region}' is not a region name ({RegionNames.Rule}).", nameof(region));

    public override bool ReuseCommands => false;

    public override DbConnection CreateConnection() => _dataSource.CreateConnection();

    /// <summary>Names the writer's session (haunt-writer &lt;schema&gt;), so operators see each silo's writer in pg_stat_activity.</summary>
    public override void PrepareWriter(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SET application_name = '{WriterApplicationName(_schema)}'";
        command.ExecuteNonQuery();
    }

    public static string WriterApplicationName(string schema) => "haunt-writer " + schema;

    /// <summary>Creates the region's schema; the transaction-scoped lock serialises silos migrating at once.</summary>
    public override async Task BeforeMigrateAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT pg_advisory_xact_lock(4242); CREATE SCHEMA IF NOT EXISTS {_schema};";
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    // Every silo of the region migrates at start: one at a time per schema, so a script runs once.
    public override string? MigrationLock => $"SELECT pg_advisory_xact_lock(hashtext('haunt.migrate.{_schema}'))";

    public override string InList(string column, string parameter) => $"{column} = ANY({parameter})";

    public override string NotInList(string column, string parameter) => $"{column} <> ALL({parameter})";

    public override object ListValue<T>(IReadOnlyCollection<T> values) => values.ToArray();

    public override string ListRows(string parameter, string column) => $"SELECT unnest({parameter}) AS {column}";

    // currval is this session's own: other silos' writers drawing from the sequence meanwhile do not move it.
    public override string LastInsertedOutboxSeq => "currval('sync_queue_seq_seq')";

    // A sequence is not transactional: a rolled-back commit leaves a gap, so this can run ahead of the rows
    // written. It only feeds the writes-per-second figure and the watermark of a drained outbox.
    public override string LastOutboxSeq => "(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM sync_queue_seq_seq)";

    public override string Greatest => "GREATEST";

    // A transaction-scoped advisory lock on a fixed key (ASCII "hauntfed"): two silos' transactions draw feed seqs
    // one after the other, so no committed change can turn up later below a seq a reader has already passed.
    public override string? FeedLock => "SELECT pg_advisory_xact_lock(7521421969945159012)";

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static bool IsPlainName(string name) =>
        name.Length is > 0 and <= 63 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_') && !char.IsDigit(name[0]);
}
