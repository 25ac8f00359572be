namespace Haunt.Replication.Engine;

/// <summary>A batch an ack took out of the send window: its outbox seqs, and the entity of each change it carried as a delta.</summary>
internal sealed record AckedBatch(IReadOnlyList<long> Seqs, IReadOnlyDictionary<long, EntityRef> Deltas);
