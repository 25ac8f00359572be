using System.Data.Common;

namespace Haunt.Storage.Sql;

// How a job's statements reach the engine. Savepoint statements are not sent on their own: they wait in
// _control and travel with the job's next statements. Where the provider pipelines (Npgsql's DbBatch), the
// previous job's RELEASE, this job's SAVEPOINT and its writes are one round trip instead of one each — on a
// server a round trip, not the SQL, is what a small write costs. SQLite runs in-process: statements go one by one.
internal sealed partial class StoreWriter
{
    private const string SavepointSql = "SAVEPOINT job";
    private const string ReleaseSql = "RELEASE SAVEPOINT job";
    private readonly List<string> _control = [];
    private bool _savepointUnsent;

    public int Execute(SqlStatement statement) => ExecuteAll([statement])[0];

    /// <summary>Runs the statements in order; returns the rows each one affected.</summary>
    public int[] ExecuteAll(IReadOnlyList<SqlStatement> statements)
    {
        if (!_connection.CanCreateBatch)
        {
            FlushControl();
            return statements.Select(s => Prepare(s).ExecuteNonQuery()).ToArray();
        }

        using var batch = _connection.CreateBatch();
        batch.Transaction = _transaction;
        foreach (var sql in _control)
        {
            batch.BatchCommands.Add(BatchCommand(batch, new SqlStatement(sql)));
        }

        var first = _control.Count;
        ControlSent();
        foreach (var statement in statements)
        {
            batch.BatchCommands.Add(BatchCommand(batch, statement));
        }

        batch.ExecuteNonQuery();
        return Enumerable.Range(first, statements.Count).Select(i => batch.BatchCommands[i].RecordsAffected).ToArray();
    }

    public object? Scalar(SqlStatement statement)
    {
        FlushControl();
        return Prepare(statement).ExecuteScalar();
    }

    public DbDataReader Reader(SqlStatement statement)
    {
        FlushControl();
        return Prepare(statement).ExecuteReader();
    }

    private void BeginJob(bool savepoint)
    {
        if (savepoint)
        {
            _control.Add(SavepointSql);
            _savepointUnsent = true;
        }
    }

    private void EndJob(bool savepoint)
    {
        if (!savepoint)
        {
            return;
        }

        if (_savepointUnsent)
        {
            _control.RemoveAt(_control.Count - 1); // the job sent nothing: no savepoint to release
            _savepointUnsent = false;
        }
        else
        {
            _control.Add(ReleaseSql);
        }
    }

    /// <summary>Undoes a failed job: nothing to undo if its savepoint never left, else back to it.</summary>
    private void RollBackJob()
    {
        if (_savepointUnsent)
        {
            _control.RemoveAt(_control.Count - 1);
            _savepointUnsent = false;
            return;
        }

        _control.Clear();
        RollBackTo("job");
    }

    /// <summary>Undoes everything since the savepoint and drops it; also clears PostgreSQL's "transaction aborted" state after a failed statement.</summary>
    private void RollBackTo(string savepoint)
    {
        Prepare(new SqlStatement($"ROLLBACK TO SAVEPOINT {savepoint}")).ExecuteNonQuery();
        Prepare(new SqlStatement($"RELEASE SAVEPOINT {savepoint}")).ExecuteNonQuery();
    }

    /// <summary>Before commit: only releases can be pending, and COMMIT releases every savepoint.</summary>
    private void DropPendingReleases() => _control.Clear();

    private void FlushControl()
    {
        foreach (var sql in _control)
        {
            Prepare(new SqlStatement(sql)).ExecuteNonQuery();
        }

        ControlSent();
    }

    private void ControlSent()
    {
        _control.Clear();
        _savepointUnsent = false;
    }

    private DbCommand Prepare(SqlStatement statement)
    {
        var command = Command(statement.Text);
        foreach (var (name, value) in statement.Parameters)
        {
            EntityRows.Add(command, name, value);
        }

        return command;
    }

    private static DbBatchCommand BatchCommand(DbBatch batch, SqlStatement statement)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = statement.Text;
        foreach (var (name, value) in statement.Parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
