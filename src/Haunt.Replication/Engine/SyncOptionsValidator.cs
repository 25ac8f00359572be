using Microsoft.Extensions.Options;

namespace Haunt.Replication.Engine;

/// <summary>Checks <see cref="SyncOptions"/> at start and on every reload: every problem at once, each naming its setting.</summary>
public sealed class SyncOptionsValidator : IValidateOptions<SyncOptions>
{
    public ValidateOptionsResult Validate(string? name, SyncOptions options)
    {
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static IEnumerable<string> Problems(SyncOptions o)
    {
        if (!Base64Key.IsValid(o.ClusterKey))
        {
            yield return "Haunt:Sync:ClusterKey must be a base64 key of at least 32 bytes.";
        }

        for (var i = 0; i < o.AcceptedKeys.Count; i++)
        {
            if (!Base64Key.IsValid(o.AcceptedKeys[i]))
            {
                yield return $"Haunt:Sync:AcceptedKeys:{i} must be a base64 key of at least 32 bytes.";
            }
        }

        if (o.DigestMaxAge < TimeSpan.Zero)
        {
            yield return "Haunt:Sync:DigestMaxAge must not be negative (zero: scan for every digest read).";
        }

        if (o.InFlightGrace < TimeSpan.Zero)
        {
            yield return "Haunt:Sync:InFlightGrace must not be negative (zero: routine rounds repair changes in flight too).";
        }

        if (o.DeltaMinBytes < 0)
        {
            yield return "Haunt:Sync:DeltaMinBytes must not be negative (zero: no deltas, every change goes whole).";
        }

        foreach (var (setting, value) in new[] { ("FlushInterval", o.FlushInterval), ("AckTimeout", o.AckTimeout), ("HeartbeatInterval", o.HeartbeatInterval), ("StatusInterval", o.StatusInterval),
            ("MetricsInterval", o.MetricsInterval), ("ReconcileInterval", o.ReconcileInterval), ("MinReconcileInterval", o.MinReconcileInterval), ("MetricsRetention", o.MetricsRetention),
            ("MaxClockDrift", o.MaxClockDrift), ("MaxMessageAge", o.MaxMessageAge), ("JoinSilence", o.JoinSilence),
            ("ConflictRetention", o.ConflictRetention), ("DeltaRetryAfter", o.DeltaRetryAfter), ("FeedRetention", o.FeedRetention),
            ("FeedStuckAfter", o.FeedStuckAfter) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"Haunt:Sync:{setting} must be positive (got {value}).";
            }
        }

        if (o.MaxBackoff < o.AckTimeout)
        {
            yield return $"Haunt:Sync:MaxBackoff ({o.MaxBackoff}) must be at least Haunt:Sync:AckTimeout ({o.AckTimeout}).";
        }

        foreach (var (setting, value) in new[] { ("BatchSize", (long)o.BatchSize), ("MaxBatchesInFlight", o.MaxBatchesInFlight), ("MaxChangesInFlight", o.MaxChangesInFlight),
            ("ReconcileBuckets", o.ReconcileBuckets), ("RepairStatesPerRound", o.RepairStatesPerRound), ("MaxBacklogRows", o.MaxBacklogRows), ("MaxBacklogBytes", o.MaxBacklogBytes), ("MaxBatchBytes", o.MaxBatchBytes),
            ("DeltaWindowBytes", o.DeltaWindowBytes) })
        {
            if (value < 1)
            {
                yield return $"Haunt:Sync:{setting} must be at least 1 (got {value}).";
            }
        }
    }
}
