using Haunt.Abstractions.Regions;

namespace Haunt.Abstractions.Sync;

public enum MembershipOutcome { Proposed, InProgress, Invalid, NotServing }

/// <summary>
/// What became of an operator's membership change: Proposed (sent to every region; <see cref="Membership"/> is the
/// version that is adopted once all accept), InProgress (another change is under way: <see cref="Problem"/> names it),
/// Invalid (the change makes no sense against the current version) or NotServing (this region is still joining).
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.MembershipAnswer")]
public sealed record MembershipAnswer(
    [property: Id(0)] MembershipOutcome Outcome,
    [property: Id(1)] Membership? Membership,
    [property: Id(2)] string? Problem);

/// <summary>
/// How far a region that is being added has come: Phase "awaiting admission", "snapshot" (from <see cref="Donor"/>)
/// or "repair" (a round with every other region); <see cref="StatesReceived"/> counts states taken by repair.
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.JoinProgress")]
public sealed record JoinProgress(
    [property: Id(0)] string Phase,
    [property: Id(1)] string? Donor,
    [property: Id(2)] int RoundsDone,
    [property: Id(3)] long StatesReceived,
    [property: Id(4)] string[] PeersLeft);

/// <summary>
/// A region's membership as its sync loop holds it: the agreed version, whether it serves, the change in progress
/// (proposed here or promised to another region), how the last change proposed here ended, join and leave progress.
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.MembershipStatus")]
public sealed record MembershipStatus(
    [property: Id(0)] Membership Current,
    [property: Id(1)] bool Serving,
    [property: Id(2)] string? InProgress,
    [property: Id(3)] string? LastOutcome,
    [property: Id(4)] JoinProgress? Join,
    [property: Id(5)] LeaveProgress? Leave = null);

/// <summary>
/// How far a region that is leaving has come: Phase "re-homing" (its strong entities handed to <see cref="Successor"/>),
/// "draining" (its outbox not yet acked by every peer: <see cref="BacklogRows"/>) or "removing" (its removal proposed).
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.LeaveProgress")]
public sealed record LeaveProgress(
    [property: Id(0)] string Phase,
    [property: Id(1)] string Successor,
    [property: Id(2)] long StatesRehomed,
    [property: Id(3)] long BacklogRows);
