namespace Haunt.Storage.Sql;

// Consecutive planned jobs of a transaction (local commits: their statements need no read first) in one round trip
// where the provider pipelines. With a round trip per job, a PostgreSQL writer spent its time waiting on the
// network between jobs, not in the server. SQLite runs the statements one by one as before; the run spares each job
// its own savepoint and release (a tenth of the writer's statement time in the replicated bench, and the writer
// thread is what limits it). The run shares one savepoint: should a statement fail or a job's check throw (another
// silo moved an entity it writes), the run is undone together and its jobs run again one at a time, each in its own
// savepoint, so the failing one fails alone — as rare as the race between two silos that causes it.
internal sealed partial class StoreWriter
{
    private const string RunSavepointSql = "SAVEPOINT jobs";

    /// <summary>The planned jobs from <paramref name="from"/> on, up to the first job that is not.</summary>
    private List<IJob> PipelinedRun(List<IJob> batch, int from)
    {
        var end = from;
        while (end < batch.Count && batch[end].Planned)
        {
            end++;
        }

        return batch.GetRange(from, end - from);
    }

    /// <summary>True when every job of the run is done and checked; false, with nothing of them left in the transaction, to run them one by one.</summary>
    private bool TryPipelined(List<IJob> run)
    {
        var plans = run.Select(job => job.Plan()).ToList();
        // The run's savepoint goes ahead of its statements, in the same round trip.
        _control.Add(RunSavepointSql);
        try
        {
            var affected = ExecuteAll([.. plans.SelectMany(plan => plan)]);
            var at = 0;
            for (var i = 0; i < run.Count; i++)
            {
                run[i].Check(this, affected[at..(at + plans[i].Count)]);
                at += plans[i].Count;
            }
        }
        catch (Exception ex) when (!IsTransient(ex))
        {
            RollBackTo("jobs");
            foreach (var job in run)
            {
                job.Reset();
            }

            return false;
        }

        _control.Add("RELEASE SAVEPOINT jobs");
        return true;
    }
}
