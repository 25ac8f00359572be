namespace Haunt.Grains.Replication;

/// <summary>An entity row that changed, and to which version: what a refresh tells a silo's active grains.</summary>
[GenerateSerializer, Immutable, Alias("haunt.ReplicaChange")]
public sealed record ReplicaChange([property: Id(0)] EntityType Type, [property: Id(1)] string Id, [property: Id(2)] VersionVector Vector)
{
    public static ReplicaChange Of(EntityState state) => new(state.Type, state.Id, state.Vector);
}
