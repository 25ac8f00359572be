using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Haunt.Storage.Sqlite;

/// <summary>
/// The single writer of a region's SQLite file, with group commit: jobs queued while a transaction runs are
/// committed together in the next one, each inside its own savepoint so a failing job rolls back alone.
/// SQLite admits one writer at a time anyway; doing it here turns N small fsyncs into one and makes every
/// read-compare-write of a job atomic against all other writes of the region.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private const int MaxJobsPerTransaction = 256;
    private readonly Channel<IJob> _jobs = Channel.CreateUnbounded<IJob>(new UnboundedChannelOptions { SingleReader = true });

    // Sync work (applying a peer's batch, recording an ack) goes first: each sits on the path of a whole batch
    // of replicated changes, while a local write is one change.
    private readonly Channel<IJob> _urgent = Channel.CreateUnbounded<IJob>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private SqliteTransaction? _transaction;

    public SqliteWriter(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        // WAL + NORMAL: a commit appends to the WAL without an fsync (durable across a process crash, the
        // fault we guard against; an OS crash may lose the last commits). A larger auto-checkpoint and cache
        // keep the fsync of checkpoints off most commits.
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; " +
            "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;");
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Called after each successful commit with the results of the jobs in it.</summary>
    public event Action<IReadOnlyList<object?>>? Committed;

    public Task<T> RunAsync<T>(Func<SqliteWriter, T> work, bool urgent = false)
    {
        var job = new Job<T>(work);
        if (urgent)
        {
            // Wakes the loop through the main channel too, so it never sleeps with urgent work queued.
            if (!_urgent.Writer.TryWrite(job) || !_jobs.Writer.TryWrite(Wake.Instance))
            {
                throw new ObjectDisposedException(nameof(SqliteWriter), "The regional store is closed.");
            }

            return job.Completion.Task;
        }

        if (!_jobs.Writer.TryWrite(job))
        {
            throw new ObjectDisposedException(nameof(SqliteWriter), "The regional store is closed.");
        }

        return job.Completion.Task;
    }

    /// <summary>A prepared command, reused across transactions; parameters are cleared for the caller.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Parameters.Clear();
        command.Transaction = _transaction;
        return command;
    }

    public void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        command.ExecuteNonQuery();
    }

    private async Task RunAsync()
    {
        var batch = new List<IJob>(MaxJobsPerTransaction);
        while (await _jobs.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (_urgent.Reader.TryRead(out var urgent))
            {
                batch.Add(urgent);
            }

            while (batch.Count < MaxJobsPerTransaction && _jobs.Reader.TryRead(out var job))
            {
                if (job is not Wake)
                {
                    batch.Add(job);
                }
            }

            if (batch.Count > 0)
            {
                RunTransaction(batch);
            }
        }
    }

    private void RunTransaction(List<IJob> batch)
    {
        try
        {
            _transaction = _connection.BeginTransaction();
            foreach (var job in batch)
            {
                // A single job needs no savepoint: the transaction itself rolls it back.
                var savepoint = batch.Count > 1;
                if (savepoint)
                {
                    Command("SAVEPOINT job").ExecuteNonQuery();
                }

                try
                {
                    job.Execute(this);
                    if (savepoint)
                    {
                        Command("RELEASE job").ExecuteNonQuery();
                    }
                }
                catch (Exception ex) when (savepoint)
                {
                    Command("ROLLBACK TO job").ExecuteNonQuery();
                    Command("RELEASE job").ExecuteNonQuery();
                    job.Fail(ex);
                }
            }

            _transaction.Commit();
        }
        catch (Exception ex)
        {
            try { _transaction?.Rollback(); } catch (SqliteException) { /* already rolled back by SQLite */ }
            foreach (var job in batch)
            {
                job.Fail(ex);
                job.Complete();
            }

            return;
        }
        finally
        {
            _transaction?.Dispose();
            _transaction = null;
        }

        Committed?.Invoke(batch.Where(j => j.Succeeded).Select(j => j.Result).ToList());
        foreach (var job in batch)
        {
            job.Complete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _urgent.Writer.TryComplete();
        _jobs.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A no-op that only wakes the loop for urgent work.</summary>
    private sealed class Wake : IJob
    {
        public static Wake Instance { get; } = new();
        public bool Succeeded => true;
        public object? Result => null;
        public void Execute(SqliteWriter writer) { }
        public void Fail(Exception ex) { }
        public void Complete() { }
    }

    private interface IJob
    {
        bool Succeeded { get; }
        object? Result { get; }
        void Execute(SqliteWriter writer);
        void Fail(Exception ex);
        void Complete();
    }

    private sealed class Job<T>(Func<SqliteWriter, T> work) : IJob
    {
        private Exception? _error;
        private T? _result;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Succeeded => _error is null;
        public object? Result => _result;

        public void Execute(SqliteWriter writer) => _result = work(writer);

        public void Fail(Exception ex) => _error ??= ex;

        public void Complete()
        {
            if (_error is null)
            {
                Completion.TrySetResult(_result!);
            }
            else
            {
                Completion.TrySetException(_error);
            }
        }
    }
}
