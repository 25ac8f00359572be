using System.Data.Common;
using System.Globalization;

namespace Haunt.Storage.Sql;

// Digests from the stamp hashes every row is stored with (007_stamp_hashes): the database keeps their sums per fine
// bucket as rows change (009_stamp_sums), so neither an operator's convergence read nor a reconciliation round reads,
// parses and hashes every row in the silo, nor sums every index entry.
public sealed partial class SqlRegionalStore
{
    /// <summary>The fine buckets (id_hash modulo this) the database keeps sums of (009_stamp_sums).</summary>
    public const int SumBuckets = 1024;

    /// <summary>Rows whose hashes are checked per read when the store opens (<see cref="CheckStampsAsync"/>).</summary>
    private const int CheckChunk = 2000;

    /// <summary>Every type's <see cref="StampSum"/>, as <see cref="RegionDigest.Of"/> digests them.</summary>
    public Task<RegionDigest> DigestAsync(CancellationToken cancellationToken = default) => ReadOnlyAsync(async (connection, ct) =>
    {
        var sums = new Dictionary<EntityType, StampSum>();
        foreach (var info in EntityTypes.All)
        {
            var bucket = await SumsAsync(connection, info.Type, 1, ct);
            sums[info.Type] = bucket.GetValueOrDefault(0);
        }

        return RegionDigest.Of(sums);
    }, cancellationToken);

    public Task<IReadOnlyDictionary<int, StampSum>> BucketSumsAsync(EntityType type, int buckets, CancellationToken cancellationToken = default) =>
        ReadOnlyAsync<IReadOnlyDictionary<int, StampSum>>((connection, ct) => SumsAsync(connection, type, buckets, ct), cancellationToken);

    public Task<IReadOnlyList<HashedStamp>> StampsInAsync(EntityType type, IReadOnlyCollection<int> buckets, int bucketCount, CancellationToken cancellationToken = default) =>
        ReadOnlyAsync<IReadOnlyList<HashedStamp>>(async (connection, ct) =>
        {
            var stamps = new List<HashedStamp>();
            if (buckets.Count == 0)
            {
                return stamps;
            }

            await using var command = connection.CreateCommand();
            // The bucket numbers are ints of ours, written into the text: one IN list for both engines.
            var named = string.Join(",", buckets.Distinct().Select(b => b.ToString(CultureInfo.InvariantCulture)));
            // The last write's time too: the scan reaches each row for its id anyway (the stamp index does not hold it).
            command.CommandText = $"SELECT id, id_hash % @buckets, stamp_hash, last_modified_at FROM {type.Info().Table} WHERE id_hash % @buckets IN ({named}) ORDER BY id";
            EntityRows.Add(command, "@buckets", (long)bucketCount);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                stamps.Add(new HashedStamp(reader.GetString(0), (int)reader.GetInt64(1), reader.GetInt64(2), HybridTimestamp.FromPacked(reader.GetInt64(3)).WallMilliseconds));
            }

            return stamps;
        }, cancellationToken);

    /// <summary>
    /// The sums per bucket: for a bucket count that divides <see cref="SumBuckets"/>, from the sums the database keeps
    /// as rows change (009_stamp_sums: at most that many rows read per type, whatever the data's size); otherwise
    /// over the table's covering index.
    /// </summary>
    private static async Task<IReadOnlyDictionary<int, StampSum>> SumsAsync(DbConnection connection, EntityType type, int buckets, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        if (SumBuckets % buckets == 0)
        {
            command.CommandText = "SELECT bucket % @buckets, SUM(rows), SUM(live), SUM(low), SUM(high) FROM stamp_sums WHERE entity_type = @type " +
                "GROUP BY bucket % @buckets HAVING SUM(rows) <> 0";
            EntityRows.Add(command, "@type", (long)type);
        }
        else
        {
            command.CommandText = $"SELECT id_hash % @buckets, COUNT(*), SUM(1 - deleted), SUM(stamp_hash & {StampHash.LowMask}), SUM(stamp_hash >> 31) " +
                $"FROM {type.Info().Table} GROUP BY id_hash % @buckets";
        }

        EntityRows.Add(command, "@buckets", (long)buckets);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var sums = new Dictionary<int, StampSum>();
        while (await reader.ReadAsync(ct))
        {
            // PostgreSQL sums bigints as numeric: read every figure as whatever the engine gives, then as a long.
            sums[(int)Long(0)] = new StampSum(Long(1), Long(2), Long(3), Long(4));
        }

        return sums;

        long Long(int column) => Convert.ToInt64(reader.GetValue(column), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Checks every row's hashes against its id, vector and tombstone flag, and sets those that are missing or wrong:
    /// rows written before 007_stamp_hashes (or by a silo of an older release), and rows changed behind the store's
    /// back (an edit by hand). Digests trust the hashes, so a wrong one would hide drift from anti-entropy until the
    /// store opens again. Reads in id order, a chunk per transaction; every silo of the region may run it at once
    /// (each computes the same hashes, and in id order two of them on PostgreSQL wait for each other, not deadlock).
    /// </summary>
    private async Task CheckStampsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        foreach (var info in EntityTypes.All)
        {
            var after = "";
            while (true)
            {
                var (wrong, read) = (new List<(string Id, long IdHash, long StampHash)>(), 0);
                await using (var select = connection.CreateCommand())
                {
                    select.CommandText = $"SELECT id, version_vector, deleted, id_hash, stamp_hash FROM {info.Table} WHERE id > @after ORDER BY id LIMIT {CheckChunk}";
                    EntityRows.Add(select, "@after", after);
                    await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        (after, read) = (reader.GetString(0), read + 1);
                        var (idHash, stampHash) = (StampHash.OfId(after), StampHash.Of(after, VersionVector.Parse(reader.GetString(1)), reader.GetInt64(2) != 0));
                        if (reader.IsDBNull(3) || reader.IsDBNull(4) || reader.GetInt64(3) != idHash || reader.GetInt64(4) != stampHash)
                        {
                            wrong.Add((after, idHash, stampHash));
                        }
                    }
                }

                if (wrong.Count > 0)
                {
                    await SetStampsAsync(connection, info.Table, wrong, cancellationToken);
                }

                if (read < CheckChunk)
                {
                    break;
                }
            }
        }
    }

    private static async Task SetStampsAsync(DbConnection connection, string table, List<(string Id, long IdHash, long StampHash)> rows, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (id, idHash, stampHash) in rows)
        {
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = $"UPDATE {table} SET id_hash = @id_hash, stamp_hash = @stamp_hash WHERE id = @id";
            EntityRows.Add(update, "@id_hash", idHash);
            EntityRows.Add(update, "@stamp_hash", stampHash);
            EntityRows.Add(update, "@id", id);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
