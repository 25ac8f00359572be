using System.Globalization;
using System.Text;
using Haunt.Abstractions.Regions;

namespace Haunt.Abstractions.Versioning;

/// <summary>
/// One counter per region that has written the entity, bumped by the region that writes. A region without an entry
/// has written nothing (0): a vector written before a region joined needs no rewrite, and compare and merge go over
/// the union of the regions the two vectors name. Compare tells newer / older / equal / concurrent; merge takes the
/// element-wise maximum.
/// <para>
/// Entries are kept in region-name order with no zero counter, so equal vectors have one form. Text (entity rows,
/// the outbox, the conflict log, JSON): <c>v2:</c> then <c>region=counter</c> pairs in that order, e.g.
/// <c>v2:nyc=1,osaka=3</c>; <c>v2:</c> is the zero vector. The first release's <c>osaka.seoul.nyc</c> form ("3.0.1")
/// is still read, so stores written by it open unchanged.
/// </para>
/// </summary>
[GenerateSerializer, Immutable, Alias("haunt.VersionVector.2")]
public readonly struct VersionVector : IEquatable<VersionVector>
{
    private const string Prefix = "v2:";

    /// <summary>The regions of the first release's "a.b.c" text, in its order.</summary>
    private static readonly string[] s_legacyRegions = ["osaka", "seoul", "nyc"];

    [Id(0)]
    private readonly VectorEntry[]? _entries;

    private VersionVector(VectorEntry[] entries) => _entries = entries;

    public static VersionVector Zero => default;

    /// <summary>The non-zero counters in region-name order.</summary>
    public IReadOnlyList<VectorEntry> Entries => _entries ?? [];

    /// <summary>The scalar version: the sum of the counters. Strictly grows with every change.</summary>
    public long Sum
    {
        get
        {
            long sum = 0;
            foreach (var entry in Span)
            {
                sum += entry.Counter;
            }

            return sum;
        }
    }

    public bool IsZero => Span.IsEmpty;

    /// <summary>
    /// Whether the entries are in the one form this type makes: region names well formed, ordered and distinct,
    /// counters positive, at most <see cref="RegionNames.MaxRegions"/>. Only a vector that came off the wire from
    /// another process can be otherwise; the sync loop refuses such a state.
    /// </summary>
    public bool IsCanonical
    {
        get
        {
            var entries = Span;
            if (entries.Length > RegionNames.MaxRegions)
            {
                return false;
            }

            for (var i = 0; i < entries.Length; i++)
            {
                if (!RegionNames.IsWellFormed(entries[i].Region) || entries[i].Counter <= 0
                    || (i > 0 && string.CompareOrdinal(entries[i - 1].Region, entries[i].Region) >= 0))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private ReadOnlySpan<VectorEntry> Span => _entries;

    /// <summary>A vector of the given counters (any order; zeros are left out; a region named twice is refused).</summary>
    public static VersionVector Of(IEnumerable<KeyValuePair<string, long>> counters)
    {
        var entries = new List<VectorEntry>();
        foreach (var (region, counter) in counters)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(counter);
            if (!RegionNames.IsWellFormed(region))
            {
                throw new ArgumentException($"'{region}' is not a region name ({RegionNames.Rule}).", nameof(counters));
            }

            if (counter > 0)
            {
                entries.Add(new VectorEntry(region, counter));
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Region, b.Region));
        for (var i = 1; i < entries.Count; i++)
        {
            if (entries[i - 1].Region == entries[i].Region)
            {
                throw new ArgumentException($"Region '{entries[i].Region}' is named twice.", nameof(counters));
            }
        }

        return entries.Count > RegionNames.MaxRegions
            ? throw new ArgumentException($"A version vector has at most {RegionNames.MaxRegions} regions.", nameof(counters))
            : new VersionVector([.. entries]);
    }

    public long Get(string region)
    {
        foreach (var entry in Span)
        {
            if (entry.Region == region)
            {
                return entry.Counter;
            }
        }

        return 0;
    }

    public VersionVector Increment(string region)
    {
        if (!RegionNames.IsWellFormed(region))
        {
            throw new ArgumentException($"'{region}' is not a region name ({RegionNames.Rule}).", nameof(region));
        }

        var entries = Span;
        var result = new List<VectorEntry>(entries.Length + 1);
        var placed = false;
        foreach (var entry in entries)
        {
            var order = string.CompareOrdinal(entry.Region, region);
            if (!placed && order >= 0)
            {
                result.Add(new VectorEntry(region, (order == 0 ? entry.Counter : 0) + 1));
                placed = true;
                if (order == 0)
                {
                    continue;
                }
            }

            result.Add(entry);
        }

        if (!placed)
        {
            result.Add(new VectorEntry(region, 1));
        }

        return new VersionVector([.. result]);
    }

    public VersionVector Merge(VersionVector other)
    {
        ReadOnlySpan<VectorEntry> x = Span, y = other.Span;
        var result = new List<VectorEntry>(Math.Max(x.Length, y.Length));
        for (int i = 0, j = 0; i < x.Length || j < y.Length;)
        {
            var order = Order(x, i, y, j);
            result.Add(order < 0 ? x[i++] : order > 0 ? y[j++] : new VectorEntry(x[i].Region, Math.Max(x[i++].Counter, y[j++].Counter)));
        }

        return new VersionVector([.. result]);
    }

    public VectorOrder Compare(VersionVector other)
    {
        ReadOnlySpan<VectorEntry> x = Span, y = other.Span;
        bool greater = false, less = false;
        for (int i = 0, j = 0; i < x.Length || j < y.Length;)
        {
            // A region only one side names counts 0 on the other (every counter kept is positive).
            var order = Order(x, i, y, j);
            if (order < 0)
            {
                greater = true;
                i++;
            }
            else if (order > 0)
            {
                less = true;
                j++;
            }
            else
            {
                greater |= x[i].Counter > y[j].Counter;
                less |= x[i].Counter < y[j].Counter;
                i++;
                j++;
            }
        }

        return (greater, less) switch
        {
            (false, false) => VectorOrder.Equal,
            (true, false) => VectorOrder.Newer,
            (false, true) => VectorOrder.Older,
            _ => VectorOrder.Concurrent,
        };
    }

    public bool Equals(VersionVector other) => Span.SequenceEqual(other.Span);

    public override bool Equals(object? obj) => obj is VersionVector other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var entry in Span)
        {
            hash.Add(entry);
        }

        return hash.ToHashCode();
    }

    public static bool operator ==(VersionVector left, VersionVector right) => left.Equals(right);

    public static bool operator !=(VersionVector left, VersionVector right) => !left.Equals(right);

    public override string ToString()
    {
        var text = new StringBuilder(Prefix);
        foreach (var entry in Span)
        {
            text.Append(text.Length > Prefix.Length ? "," : "").Append(entry.Region).Append('=').Append(entry.Counter.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    public static VersionVector Parse(string text) =>
        TryParse(text, out var vector) ? vector : throw new FormatException($"'{text}' is not a version vector (v2:region=counter,…).");

    public static bool TryParse(string? text, out VersionVector vector)
    {
        vector = default;
        if (text is null)
        {
            return false;
        }

        var pairs = new List<KeyValuePair<string, long>>();
        if (text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var body = text[Prefix.Length..];
            foreach (var pair in body.Length == 0 ? [] : body.Split(','))
            {
                var at = pair.IndexOf('=', StringComparison.Ordinal);
                if (at <= 0 || !long.TryParse(pair.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var counter))
                {
                    return false;
                }

                pairs.Add(new(pair[..at], counter));
            }
        }
        else
        {
            var parts = text.Split('.');
            if (parts.Length != s_legacyRegions.Length)
            {
                return false;
            }

            for (var i = 0; i < parts.Length; i++)
            {
                if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var counter))
                {
                    return false;
                }

                pairs.Add(new(s_legacyRegions[i], counter));
            }
        }

        if (pairs.Count > RegionNames.MaxRegions || pairs.Any(p => !RegionNames.IsWellFormed(p.Key)) || pairs.Select(p => p.Key).Distinct().Count() != pairs.Count)
        {
            return false;
        }

        vector = Of(pairs);
        return true;
    }

    /// <summary>Which of the two entries comes first in a walk over both vectors' regions in name order (an ended side comes last).</summary>
    private static int Order(ReadOnlySpan<VectorEntry> x, int i, ReadOnlySpan<VectorEntry> y, int j) =>
        i == x.Length ? 1 : j == y.Length ? -1 : string.CompareOrdinal(x[i].Region, y[j].Region);
}
