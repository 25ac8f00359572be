using System.Data.Common;
using System.Threading.Channels;

namespace Haunt.Storage.Sql;

/// <summary>
/// The single writer of a region's store, with group commit: jobs queued while a transaction runs are
/// committed together in the next one, each inside its own savepoint so a failing job rolls back alone.
/// SQLite admits one writer at a time anyway; on PostgreSQL one writer per region is what keeps every
/// read-compare-write of a job atomic against all other writes of the region without row locks or retries
/// (the region's silo is the only writer of its schema). Either way N small commits become one.
/// </summary>
internal sealed partial class StoreWriter : IAsyncDisposable
{
    private const int MaxJobsPerTransaction = 256;
    private readonly Channel<IJob> _jobs = Channel.CreateUnbounded<IJob>(new UnboundedChannelOptions { SingleReader = true });

    // Sync work (applying a peer's batch, recording an ack) goes first: each sits on the path of a whole batch
    // of replicated changes, while a local write is one change.
    private readonly Channel<IJob> _urgent = Channel.CreateUnbounded<IJob>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqlDialect _dialect;
    private readonly DbConnection _connection;
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private DbTransaction? _transaction;

    public StoreWriter(SqlDialect dialect)
    {
        _dialect = dialect;
        _connection = dialect.CreateConnection();
        try
        {
            _connection.Open();
            dialect.PrepareWriter(_connection);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }

        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Called after each successful commit with the results of the jobs in it.</summary>
    public event Action<IReadOnlyList<object?>>? Committed;

    public Task<T> RunAsync<T>(Func<StoreWriter, T> work, bool urgent = false)
    {
        var job = new Job<T>(work);
        if (urgent)
        {
            // Wakes the loop through the main channel too, so it never sleeps with urgent work queued.
            if (!_urgent.Writer.TryWrite(job) || !_jobs.Writer.TryWrite(Wake.Instance))
            {
                throw new ObjectDisposedException(nameof(StoreWriter), "The regional store is closed.");
            }

            return job.Completion.Task;
        }

        if (!_jobs.Writer.TryWrite(job))
        {
            throw new ObjectDisposedException(nameof(StoreWriter), "The regional store is closed.");
        }

        return job.Completion.Task;
    }

    /// <summary>A command for the current transaction (reused across transactions where the dialect allows); no parameters bound.</summary>
    private DbCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            if (_dialect.ReuseCommands)
            {
                _commands[sql] = command;
            }
        }

        command.Parameters.Clear();
        command.Transaction = _transaction;
        return command;
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
            ReopenIfBroken();
            _transaction = _connection.BeginTransaction();
            foreach (var job in batch)
            {
                // A single job needs no savepoint: the transaction itself rolls it back.
                var savepoint = batch.Count > 1;
                BeginJob(savepoint);
                try
                {
                    job.Execute(this);
                    EndJob(savepoint);
                }
                catch (Exception ex) when (savepoint)
                {
                    RollBackJob();
                    job.Fail(ex);
                }
            }

            DropPendingReleases();
            _transaction.Commit();
        }
        catch (Exception ex)
        {
            ControlSent();
            try { _transaction?.Rollback(); } catch (Exception e) when (e is DbException or InvalidOperationException) { /* already rolled back, or the connection broke */ }
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

    /// <summary>A PostgreSQL server restart or a network cut breaks the writer's connection: open it again.</summary>
    private void ReopenIfBroken()
    {
        if (_connection.State == System.Data.ConnectionState.Open)
        {
            return;
        }

        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        _connection.Close();
        _connection.Open();
        try
        {
            _dialect.PrepareWriter(_connection);
        }
        catch
        {
            // Not claimed (say the old session still holds the region's lock): stay closed, so the next
            // transaction claims again instead of writing unclaimed.
            _connection.Close();
            throw;
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
        public void Execute(StoreWriter writer) { }
        public void Fail(Exception ex) { }
        public void Complete() { }
    }

    private interface IJob
    {
        bool Succeeded { get; }
        object? Result { get; }
        void Execute(StoreWriter writer);
        void Fail(Exception ex);
        void Complete();
    }

    private sealed class Job<T>(Func<StoreWriter, T> work) : IJob
    {
        private Exception? _error;
        private T? _result;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Succeeded => _error is null;
        public object? Result => _result;

        public void Execute(StoreWriter writer) => _result = work(writer);

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
