namespace Haunt.Abstractions.Entities;

/// <summary>The 13 replicated entity types. Numeric values are stored and sent: never renumber.</summary>
[GenerateSerializer, Alias("haunt.EntityType")]
public enum EntityType
{
    Portfolio = 1,
    Order = 2,
    Position = 3,
    Trade = 4,
    OptionsPosition = 5,
    Strategy = 6,
    FundingPayment = 7,
    Liquidation = 8,
    MarginHistory = 9,
    PortfolioSnapshot = 10,
    Profile = 11,
    InsuranceFund = 12,
    PredictionHistory = 13,
}

/// <summary>How concurrent writes to one entity are prevented or resolved (docs/architecture.md §4).</summary>
[GenerateSerializer, Alias("haunt.Consistency")]
public enum Consistency
{
    /// <summary>Written only in its home region; other regions forward. Concurrent versions: primary wins.</summary>
    Strong = 0,

    /// <summary>Multi-writer; concurrent versions resolved last-writer-wins by hybrid logical clock.</summary>
    Eventual = 1,

    /// <summary>Insert-once records: union by id, never a conflict.</summary>
    AppendOnly = 2,
}

/// <summary>Insert, update or delete (a tombstone).</summary>
[GenerateSerializer, Alias("haunt.SyncOperation")]
public enum SyncOperation
{
    Insert = 1,
    Update = 2,
    Delete = 3,
}
