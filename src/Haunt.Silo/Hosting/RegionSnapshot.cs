using System.Net.Http.Json;
using System.Text.Json;
using Haunt.Silo.Api;

namespace Haunt.Silo.Hosting;

/// <summary>One silo of a region's cluster as its membership sees it (status Active, Joining, ShuttingDown, Dead, …).</summary>
public sealed record SiloView(string Address, string Status);

/// <summary>What the live view and the `up` summary show of one region, asked of its HTTP API as an operator.</summary>
public sealed record RegionSnapshot(string Region, bool Up, long Entities, string Digest, long BacklogRows, double LagP99Ms, long Applied,
    long Conflicts, long LocalWrites, IReadOnlyList<SiloView> Silos)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Asks the region's silos in turn (the first that answers gives health and digest); the silos `up` started but
    /// the region's membership does not list as alive are shown dead, and so are all of them when none answers.
    /// </summary>
    public static async Task<RegionSnapshot> TakeAsync(string region, IReadOnlyList<(string Address, HttpClient Api)> silos, CancellationToken cancellationToken)
    {
        foreach (var (_, api) in silos)
        {
            try
            {
                var health = await api.GetFromJsonAsync<SyncHealth>("/api/sync/health", s_json, cancellationToken);
                var digest = await api.GetFromJsonAsync<DigestReport>("/api/sync/digest", s_json, cancellationToken);
                if (health is null || digest is null)
                {
                    continue;
                }

                var alive = health.Silos.Where(s => s.Address is not null).ToDictionary(s => s.Address!.Split('@')[0], s => s.Status);
                return new RegionSnapshot(region, true, digest.Entities, digest.Overall, health.Peers.Sum(p => p.BacklogRows), health.LagP99Ms,
                    health.ChangesApplied, health.Conflicts, health.LocalWrites,
                    [.. silos.Select(s => new SiloView(s.Address, alive.GetValueOrDefault(s.Address, "Dead")))]);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
            {
                // This silo does not answer: ask the next.
            }
        }

        return new RegionSnapshot(region, false, 0, "", 0, 0, 0, 0, 0, [.. silos.Select(s => new SiloView(s.Address, "Dead"))]);
    }
}
