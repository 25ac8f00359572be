namespace Haunt.Abstractions.Regions;

/// <summary>
/// Grain key of a replicated entity: "&lt;region&gt;/&lt;entityId&gt;". Every region holds its own grain for the
/// same entity id; the region part pins the activation to that region's silo.
/// </summary>
public static class EntityKey
{
    public static string Of(string region, string entityId) => $"{region}/{entityId}";

    public static (string Region, string EntityId) Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == key.Length - 1)
        {
            throw new ArgumentException($"Grain key '{key}' is not of the form <region>/<entityId>.", nameof(key));
        }

        return (key[..slash], key[(slash + 1)..]);
    }

    /// <summary>The region a key is pinned to: the part before '/', or the whole key for per-region grains.</summary>
    public static string RegionOf(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? key : key[..slash];
    }
}
