namespace Haunt.Silo.Api;

/// <summary>Body of PUT /api/changes/checkpoints/{group}: the token the group has processed up to.</summary>
public sealed record CheckpointRequest(string? Token);

/// <summary>
/// A consumer group's checkpoint: its token, when it was stored, the changes of the whole feed after it and how long
/// the oldest of them has waited (seconds behind), and whether it is stuck (behind, and not advanced for FeedStuckAfter).
/// </summary>
public sealed record FeedCheckpointView(string Group, string Token, long UpdatedAtMs, long BehindChanges, double BehindSeconds, bool Stuck);
