using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace Haunt.Storage.Sql;

/// <summary>
/// A silo's writer of its region's store, with group commit: jobs queued while a transaction runs are
/// committed together in the next one, each inside its own savepoint so a failing job rolls back alone, and
/// N small commits become one. The region's other silos have writers of their own on the same file or schema:
/// SQLite lets one transaction write at a time (the others wait for its lock); PostgreSQL runs them side by
/// side, so every write checks the version it read (see <see cref="SqlRegionalStore"/>), and a transaction the
/// server aborts as a deadlock or serialization victim is run again whole.
/// </summary>
internal sealed partial class StoreWriter : IAsyncDisposable
{
    private const int MaxJobsPerTransaction = 256;
    private const int MaxTransientAttempts = 5;
    private readonly Queue<IJob> _jobs = new();

    // Sync work (applying a peer's batch, recording an ack) goes first: each sits on the path of a whole batch
    // of replicated changes, while a local write is one change.
    private readonly Queue<IJob> _urgent = new();
    private readonly object _gate = new();
    private readonly SqlDialect _dialect;
    private readonly ILogger _logger;
    private readonly DbConnection _connection;
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;
    private DbTransaction? _transaction;

    public StoreWriter(SqlDialect dialect, ILogger logger)
    {
        _dialect = dialect;
        _logger = logger;
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

        // A dedicated thread that never awaits: the writer's I/O is synchronous on purpose (SQLite has no real
        // async I/O, and one connection can only run one command at a time anyway), so it blocks this thread,
        // never a pool thread that Orleans' schedulers and the HTTP server share.
        _thread = new Thread(Run) { IsBackground = true, Name = $"haunt-store-writer ({dialect.Location})" };
        _thread.Start();
    }

    /// <summary>
    /// Called on the writer thread after each successful commit with the results of the jobs in it. A subscriber
    /// that throws is logged; it cannot stop the writer or the completion of the jobs.
    /// </summary>
    public event Action<IReadOnlyList<object?>>? Committed;

    public Task<T> RunAsync<T>(Func<StoreWriter, T> work, bool urgent = false) => Enqueue(new Job<T>(work), urgent);

    /// <summary>
    /// A job whose statements are known before it runs (no read decides them): <paramref name="statements"/> builds them
    /// on the writer's thread, <paramref name="check"/> gets the rows each affected and returns the result or throws to
    /// undo the job. Where the engine pipelines, consecutive such jobs of a transaction travel in one round trip.
    /// </summary>
    public Task<T> RunAsync<T>(Func<IReadOnlyList<SqlStatement>> statements, Func<StoreWriter, int[], T> check) => Enqueue(new Job<T>(statements, check), urgent: false);

    private Task<T> Enqueue<T>(Job<T> job, bool urgent)
    {
        lock (_gate)
        {
            if (_closed)
            {
                throw new ObjectDisposedException(nameof(StoreWriter), "The regional store is closed.");
            }

            (urgent ? _urgent : _jobs).Enqueue(job);
            Monitor.Pulse(_gate);
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

    private void Run()
    {
        var batch = new List<IJob>(MaxJobsPerTransaction);
        try
        {
            while (NextBatch(batch))
            {
                RunTransaction(batch);
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>Waits for work and takes all urgent jobs plus normal ones up to the limit; false once closed and drained.</summary>
    private bool NextBatch(List<IJob> batch)
    {
        batch.Clear();
        lock (_gate)
        {
            while (_urgent.Count == 0 && _jobs.Count == 0)
            {
                if (_closed)
                {
                    return false;
                }

                Monitor.Wait(_gate);
            }

            while (_urgent.TryDequeue(out var urgent))
            {
                batch.Add(urgent);
            }

            while (batch.Count < MaxJobsPerTransaction && _jobs.TryDequeue(out var job))
            {
                batch.Add(job);
            }
        }

        return true;
    }

    /// <summary>Runs the batch, again from the start (after a short pause) if the engine refused it for a transient reason.</summary>
    private void RunTransaction(List<IJob> batch)
    {
        for (var attempt = 1; !TryTransaction(batch, lastAttempt: attempt == MaxTransientAttempts); attempt++)
        {
            foreach (var job in batch)
            {
                job.Reset();
            }

            Thread.Sleep(Random.Shared.Next(5, 20 * attempt));
        }
    }

    /// <summary>False when the transaction failed transiently and may be retried; otherwise every job is completed.</summary>
    private bool TryTransaction(List<IJob> batch, bool lastAttempt)
    {
        try
        {
            ReopenIfBroken();
            _transaction = _connection.BeginTransaction();
            for (var i = 0; i < batch.Count;)
            {
                var run = PipelinedRun(batch, i);
                if (run.Count < 2)
                {
                    run = [batch[i]];
                }
                else if (TryPipelined(run))
                {
                    i += run.Count;
                    continue;
                }

                foreach (var job in run)
                {
                    // A single job needs no savepoint: the transaction itself rolls it back.
                    RunJob(job, savepoint: batch.Count > 1);
                }

                i += run.Count;
            }

            DropPendingReleases();
            _transaction.Commit();
        }
        catch (Exception ex)
        {
            ControlSent();
            try { _transaction?.Rollback(); } catch (Exception e) when (e is DbException or InvalidOperationException) { /* already rolled back, or the connection broke */ }
            if (IsTransient(ex) && !lastAttempt)
            {
                LogTransientRetry(_logger, ex.Message, _dialect.Location);
                return false;
            }

            foreach (var job in batch)
            {
                job.Fail(ex);
                job.Complete();
            }

            return true;
        }
        finally
        {
            _transaction?.Dispose();
            _transaction = null;
        }

        foreach (var job in batch)
        {
            job.Complete();
        }

        NotifyCommitted(batch.Where(j => j.Succeeded).Select(j => j.Result).ToList());
        return true;
    }

    private void RunJob(IJob job, bool savepoint)
    {
        BeginJob(savepoint);
        try
        {
            job.Execute(this);
            EndJob(savepoint);
        }
        catch (Exception ex) when (savepoint && !IsTransient(ex))
        {
            RollBackJob();
            job.Fail(ex);
        }
    }

    /// <summary>A deadlock or serialization victim (PostgreSQL), a lock wait that ran out, a dropped connection.</summary>
    private static bool IsTransient(Exception ex) => ex is DbException { IsTransient: true };

    private void NotifyCommitted(IReadOnlyList<object?> results)
    {
        foreach (var subscriber in Committed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<IReadOnlyList<object?>>)subscriber)(results);
            }
            catch (Exception ex)
            {
                LogSubscriberFailed(_logger, ex, _dialect.Location);
            }
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
            // Not prepared: stay closed, so the next transaction prepares it again.
            _connection.Close();
            throw;
        }
    }

    /// <summary>Refuses new jobs, lets the thread finish the queued ones, then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }

        await _stopped.Task.ConfigureAwait(false);
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private interface IJob
    {
        bool Succeeded { get; }
        object? Result { get; }

        /// <summary>Whether the job's statements are known before it runs (<see cref="Plan"/>).</summary>
        bool Planned { get; }

        /// <summary>The job's statements, built now.</summary>
        IReadOnlyList<SqlStatement> Plan();

        /// <summary>Finishes a planned job from the rows its statements affected (run elsewhere); throws to undo it.</summary>
        void Check(StoreWriter writer, int[] affected);

        void Execute(StoreWriter writer);
        void Fail(Exception ex);
        void Reset();
        void Complete();
    }

    private sealed class Job<T> : IJob
    {
        private readonly Func<StoreWriter, T>? _work;
        private readonly Func<IReadOnlyList<SqlStatement>>? _statements;
        private readonly Func<StoreWriter, int[], T>? _check;
        private Exception? _error;
        private T? _result;

        public Job(Func<StoreWriter, T> work) => _work = work;

        public Job(Func<IReadOnlyList<SqlStatement>> statements, Func<StoreWriter, int[], T> check) => (_statements, _check) = (statements, check);

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Succeeded => _error is null;
        public object? Result => _result;

        public bool Planned => _statements is not null;

        public IReadOnlyList<SqlStatement> Plan() => _statements!();

        public void Check(StoreWriter writer, int[] affected) => _result = _check!(writer, affected);

        public void Execute(StoreWriter writer) => _result = _work is not null ? _work(writer) : _check!(writer, writer.ExecuteAll(_statements!()));

        public void Fail(Exception ex) => _error ??= ex;

        public void Reset() => (_error, _result) = (null, default);

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

    [LoggerMessage(Level = LogLevel.Information, Message = "The store {Location} refused a transaction for a transient reason ({Reason}); running it again")]
    private static partial void LogTransientRetry(ILogger logger, string reason, string location);

    [LoggerMessage(Level = LogLevel.Error, Message = "A commit subscriber of the store {Location} threw; the writer goes on")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception, string location);
}
