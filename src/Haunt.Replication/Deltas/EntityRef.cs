namespace Haunt.Replication.Deltas;

/// <summary>Which entity a change is of: what the delta bases are keyed by.</summary>
public readonly record struct EntityRef(EntityType Type, string Id)
{
    public static EntityRef Of(EntityState state) => new(state.Type, state.Id);
}
