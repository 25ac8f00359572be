namespace Haunt.Abstractions.Entities;

/// <summary>A replicated entity: a serializable record with a stable id.</summary>
public interface IEntity
{
    string Id { get; }
}

/// <summary>An entity that belongs to a portfolio; the store indexes it by portfolio.</summary>
public interface IPortfolioOwned : IEntity
{
    string PortfolioId { get; }
}
