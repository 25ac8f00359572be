namespace Haunt.Abstractions.Errors;

/// <summary>The entity asked for does not exist in this region (never written here, or deleted). The API answers 404.</summary>
[GenerateSerializer, Alias("haunt.EntityNotFoundException")]
public sealed class EntityNotFoundException : Exception
{
    public EntityNotFoundException() { }

    public EntityNotFoundException(string message) : base(message) { }

    public EntityNotFoundException(string message, Exception inner) : base(message, inner) { }

    public EntityNotFoundException(string entity, string id) : base($"{entity} '{id}' not found.") => (Entity, Id) = (entity, id);

    [Id(0)]
    public string Entity { get; init; } = "";

    [Id(1)]
    public string Id { get; init; } = "";
}
