using System.Data.Common;
using Haunt.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Haunt.Storage.Sqlite;

/// <summary>The embedded default: one SQLite file per region in WAL mode, no server to install.</summary>
public sealed class SqliteDialect(string path) : SqlDialect
{
    private FileStream? _writerLock;

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
    // single writer off the disk between checkpoints.
    public override void PrepareWriter(DbConnection connection)
    {
        ClaimWriter();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;");
    }

    /// <summary>
    /// One writer per file: an exclusive lock on &lt;file&gt;.writer (flock on Linux), which the OS drops with the
    /// process, so a killed silo's claim does not outlive it. SQLite itself would let a second process write in
    /// turn, but two writers would break the single-writer atomicity every job relies on.
    /// </summary>
    private void ClaimWriter()
    {
        if (_writerLock is not null)
        {
            return;
        }

        try
        {
            _writerLock = new FileStream(path + ".writer", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"another process already writes {path} ({path}.writer is locked): run one silo per region.", ex);
        }
    }

    public override void BeforeMigrate(DbConnection connection) => Execute(connection, "PRAGMA journal_mode=WAL;");

    // Lists travel as one JSON array parameter, so a statement's text (and its prepared plan) never depends on the list's length.
    public override string InList(string column, string parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))";

    public override string NotInList(string column, string parameter) => $"{column} NOT IN (SELECT value FROM json_each({parameter}))";

    public override object ListValue<T>(IReadOnlyCollection<T> values) => System.Text.Json.JsonSerializer.Serialize(values);

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
        _writerLock?.Dispose();
        _writerLock = null;
        return ValueTask.CompletedTask;
    }

    private static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
