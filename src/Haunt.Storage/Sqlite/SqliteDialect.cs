using System.Data.Common;
using Haunt.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Haunt.Storage.Sqlite;

/// <summary>The embedded default: one SQLite file per region in WAL mode, no server to install.</summary>
public sealed class SqliteDialect(string path) : SqlDialect
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public override string Name => "sqlite";

    public override string Location => path;

    public override bool ReuseCommands => true;

    public override DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    // WAL + NORMAL: a commit appends to the WAL without an fsync (durable across a process crash, the fault we
    // guard against; an OS crash may lose the last commits). A larger cache and in-memory temp tables keep the
    // writer off the disk between checkpoints. Several silo processes of a region may write the file: each
    // transaction starts with BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default), which takes SQLite's one write
    // lock before the first read, so a job's read-compare-write is serial across processes; busy_timeout is how
    // long a writer waits for the other's transaction.
    public override void PrepareWriter(DbConnection connection)
    {
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;");
    }

    public override async Task BeforeMigrateAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // Lists travel as one JSON array parameter, so a statement's text (and its prepared plan) never depends on the list's length.
    public override string InList(string column, string parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))";

    public override string NotInList(string column, string parameter) => $"{column} NOT IN (SELECT value FROM json_each({parameter}))";

    public override object ListValue<T>(IReadOnlyCollection<T> values) => System.Text.Json.JsonSerializer.Serialize(values);

    public override string ListRows(string parameter, string column) => $"SELECT value AS {column} FROM json_each({parameter})";

    // One writer per file at a time (SQLite's write lock), and seqs only grow: the highest is the one just inserted.
    public override string LastInsertedOutboxSeq => "(SELECT MAX(seq) FROM sync_queue)";

    // AUTOINCREMENT keeps the highest seq ever used in sqlite_sequence, inside the transaction.
    public override string LastOutboxSeq => "(SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'sync_queue')";

    public override string Greatest => "MAX";

    /// <summary>Creates the folder of the file; SQLite creates the file itself.</summary>
    public static SqliteDialect ForFile(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        return new SqliteDialect(path);
    }

    public override ValueTask DisposeAsync()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    private static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
