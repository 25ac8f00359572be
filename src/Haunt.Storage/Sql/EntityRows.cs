using System.Data.Common;
using Haunt.Abstractions.Regions;

namespace Haunt.Storage.Sql;

/// <summary>Maps entity states to the rows of the 13 entity tables (all of one shape, see sql/*/001_entities.sql).</summary>
internal static class EntityRows
{
    public const string Columns = "id, portfolio_id, home_region, version, version_vector, last_modified_at, last_modified_by, deleted, payload";

    public static string SelectById(EntityType type) => $"SELECT {Columns} FROM {type.Info().Table} WHERE id = @id";

    /// <summary>The portfolios table also keeps each row's owner, indexed for the per-user portfolio quota (004_portfolio_owner).</summary>
    private static bool HasOwner(EntityType type) => type == EntityType.Portfolio;

    public static SqlStatement Bind(SqlStatement statement, EntityState state)
    {
        statement
            .Add("@id", state.Id)
            .Add("@portfolio_id", state.PortfolioId)
            .Add("@home_region", state.HomeRegion)
            .Add("@version", state.Version)
            .Add("@version_vector", state.Vector.ToString())
            .Add("@last_modified_at", state.ModifiedAt.Packed)
            .Add("@last_modified_by", state.ModifiedBy)
            .Add("@deleted", state.Deleted ? 1 : 0)
            .Add("@payload", state.Payload)
            .Add("@id_hash", StampHash.OfId(state.Id))
            .Add("@stamp_hash", StampHash.Of(state));
        return HasOwner(state.Type) ? statement.Add("@owner", PortfolioOwners.Of(state)) : statement;
    }

    /// <summary>Every row <paramref name="command"/> selects (<see cref="Columns"/>), in the order it returns them.</summary>
    public static async Task<IReadOnlyList<EntityState>> ReadAllAsync(EntityType type, DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<EntityState>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(type, reader));
        }

        return list;
    }

    public static EntityState Read(EntityType type, DbDataReader reader) => new(
        type,
        reader.GetString(0),
        reader.GetString(2),
        VersionVector.Parse(reader.GetString(4)),
        HybridTimestamp.FromPacked(reader.GetInt64(5)),
        reader.GetString(6),
        reader.GetInt64(7) != 0,
        reader.IsDBNull(1) ? null : reader.GetString(1),
        reader.GetString(8));

    /// <summary>The columns <see cref="ReadOutbox"/> reads, in its order.</summary>
    public const string OutboxColumns = "seq, operation, state, committed_at_ms, bytes, trace_parent, priority";

    /// <summary>Reads <see cref="OutboxColumns"/> into an outbox row.</summary>
    public static OutboxRow ReadOutbox(DbDataReader reader)
    {
        var seq = reader.GetInt64(0);
        var traceParent = reader.IsDBNull(5) ? null : reader.GetString(5);
        return new OutboxRow(seq, OutboxRow.ItemJsonOf(seq, (SyncOperation)reader.GetInt32(1), reader.GetString(2), reader.GetInt64(3), traceParent), reader.GetInt32(4),
            reader.GetInt32(6));
    }

    /// <summary>Inserts a new row only if none exists: the write of an entity no one has written before.</summary>
    public static string InsertNew(EntityType type) => HasOwner(type)
        ? $"INSERT INTO {type.Info().Table} ({Columns}, id_hash, stamp_hash, owner) VALUES (@id, @portfolio_id, @home_region, @version, @version_vector, @last_modified_at, @last_modified_by, @deleted, @payload, @id_hash, @stamp_hash, @owner) ON CONFLICT(id) DO NOTHING"
        : $"INSERT INTO {type.Info().Table} ({Columns}, id_hash, stamp_hash) VALUES (@id, @portfolio_id, @home_region, @version, @version_vector, @last_modified_at, @last_modified_by, @deleted, @payload, @id_hash, @stamp_hash) ON CONFLICT(id) DO NOTHING";

    /// <summary>Replaces a row only if it is still at the version the writer read (optimistic concurrency).</summary>
    public static string UpdateExpected(EntityType type) =>
        $"UPDATE {type.Info().Table} SET portfolio_id = @portfolio_id, home_region = @home_region, version = @version, version_vector = @version_vector, " +
        "last_modified_at = @last_modified_at, last_modified_by = @last_modified_by, deleted = @deleted, payload = @payload, stamp_hash = @stamp_hash" +
        (HasOwner(type) ? ", owner = @owner" : "") + " WHERE id = @id AND version = @expected";

    public static string SelectMany(SqlDialect dialect, EntityType type) => $"SELECT {Columns} FROM {type.Info().Table} WHERE {dialect.InList("id", "@ids")}";

    public static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
