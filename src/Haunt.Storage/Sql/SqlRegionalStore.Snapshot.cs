namespace Haunt.Storage.Sql;

// The current states behind the change feed: what a consumer reads before it follows the feed from a token.
public sealed partial class SqlRegionalStore
{
    public Task<IReadOnlyList<EntityState>> LiveStatesAsync(EntityType type, string afterId, int limit, string? portfolioId = null, string? owner = null,
        CancellationToken cancellationToken = default) => ReadOnlyAsync<IReadOnlyList<EntityState>>(async (connection, ct) =>
    {
        await using var command = connection.CreateCommand();
        var filters = new List<string> { "deleted = 0", "id > @after" };
        var portfolioColumn = type == EntityType.Portfolio ? "id" : "portfolio_id";
        if (portfolioId is not null)
        {
            filters.Add($"{portfolioColumn} = @portfolio");
            EntityRows.Add(command, "@portfolio", portfolioId);
        }

        if (owner is not null)
        {
            filters.Add($"{portfolioColumn} IN (SELECT id FROM {EntityType.Portfolio.Info().Table} WHERE owner = @owner)");
            EntityRows.Add(command, "@owner", owner);
        }

        command.CommandText = $"SELECT {EntityRows.Columns} FROM {type.Info().Table} WHERE {string.Join(" AND ", filters)} ORDER BY id LIMIT @limit";
        EntityRows.Add(command, "@after", afterId);
        EntityRows.Add(command, "@limit", (long)limit);
        return await EntityRows.ReadAllAsync(type, command, ct);
    }, cancellationToken);
}
