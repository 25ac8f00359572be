namespace Haunt.Abstractions.Sync;

/// <summary>The state of the link to one peer as its region sees it: backlog, acks, window, catch-up.</summary>
[GenerateSerializer, Immutable, Alias("haunt.PeerStatus")]
public sealed record PeerStatus(
    [property: Id(0)] string Peer,
    [property: Id(1)] string State,
    [property: Id(2)] long BacklogRows,
    [property: Id(3)] long BacklogBytes,
    [property: Id(4)] double OldestPendingAgeMs,
    [property: Id(5)] DateTimeOffset? LastAckAt,
    [property: Id(6)] long ChangesSent,
    [property: Id(7)] int Attempts,
    [property: Id(8)] long Watermark,
    [property: Id(9)] bool NeedsSnapshot,
    [property: Id(10)] long LastSeqApplied = 0,
    [property: Id(11)] long ChangesAppliedFrom = 0);
