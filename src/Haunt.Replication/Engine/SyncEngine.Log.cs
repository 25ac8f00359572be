using Microsoft.Extensions.Logging;

namespace Haunt.Replication.Engine;

// The sync engine's log lines, source-generated: no boxing or template parsing on the hot paths, and a
// disabled level costs one check.
public sealed partial class SyncEngine
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected batch {BatchId} claiming {From}->{To}: {Fault} ({Reason}); nothing applied")]
    private static partial void LogBatchRejected(ILogger logger, long batchId, string from, string to, BatchFault fault, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Peer} resolved a conflict on {Type} {Id}: {Winner} won by {Policy}")]
    private static partial void LogConflictNotice(ILogger logger, string peer, EntityType type, string id, string winner, string policy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciling {Region} with {Peer}: {Buckets} buckets differ")]
    private static partial void LogReconciling(ILogger logger, string region, string peer, int buckets);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Peer} released its backlog for {Region}: catching up from state")]
    private static partial void LogPeerReleasedBacklog(ILogger logger, string peer, string region);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Peer} rejected batch {BatchId} from {Region}: {Reason}")]
    private static partial void LogOurBatchRejected(ILogger logger, string peer, long batchId, string region, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backlog for {Peer} passed its bound ({Rows} rows, {Bytes} bytes): released {Released} rows; the peer needs a snapshot")]
    private static partial void LogBacklogReleased(ILogger logger, string peer, long rows, long bytes, long released);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Kind} from {From}: no seal of an accepted sync key over its content (forged or altered)")]
    private static partial void LogUnsealed(ILogger logger, string kind, string from);

    // Debug: the network duplicates messages now and then, and a late one is the common case, not an attack.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a sealed {Kind} from {From}: {Reason}")]
    private static partial void LogStale(ILogger logger, string kind, string from, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a {Kind} routed {From}->{To} at {Region}")]
    private static partial void LogMisrouted(ILogger logger, string kind, string from, string to, string region);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Region} proposes membership {Membership}")]
    private static partial void LogProposed(ILogger logger, string region, string membership);

    [LoggerMessage(Level = LogLevel.Information, Message = "Membership at {Region}: {Outcome}")]
    private static partial void LogMembershipOutcome(ILogger logger, string region, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Region} joining: {Progress}")]
    private static partial void LogJoin(ILogger logger, string region, string progress);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Region} leaving: {Progress}")]
    private static partial void LogLeave(ILogger logger, string region, string progress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Region}: Haunt:Regions lists {Configured}, but the agreed membership is {Agreed}; the agreed one holds (add or remove regions through the membership, not the configuration)")]
    private static partial void LogConfiguredSetIgnored(ILogger logger, string region, string configured, string agreed);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a delta of {Type} '{Id}' from {Origin}: its base is {Base}, this region holds {Held}; it comes again whole")]
    private static partial void LogDeltaRefused(ILogger logger, EntityType type, string id, string origin, string @base, string held);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Peer} refused a batch carrying deltas as malformed (a release before deltas?): its changes go again whole, and it gets no deltas for {Pause}")]
    private static partial void LogDeltasPaused(ILogger logger, string peer, TimeSpan pause);
}
