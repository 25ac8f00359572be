namespace Haunt.Abstractions.Sync;

/// <summary>An anti-entropy round started on demand: its id and the peers asked; Coalesced: the round an operator asked for less than MinReconcileInterval ago, not a new one.</summary>
[GenerateSerializer, Immutable, Alias("haunt.ReconcileStarted")]
public sealed record ReconcileStarted(
    [property: Id(0)] string Region,
    [property: Id(1)] long RoundId,
    [property: Id(2)] IReadOnlyList<string> Peers,
    [property: Id(3)] bool Coalesced = false);
