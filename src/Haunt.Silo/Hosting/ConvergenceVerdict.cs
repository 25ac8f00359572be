namespace Haunt.Silo.Hosting;

/// <summary>
/// Whether the regions `up` shows have converged — every region up, one digest, nothing left in an outbox — said the
/// same way by the live view and by the summary after it (the live view once called equal digests converged while the
/// summary of the same figures said NO: changes still in outboxes may yet change a digest).
/// </summary>
public static class ConvergenceVerdict
{
    public static bool Converged(IReadOnlyList<RegionSnapshot> snapshots) => DigestsEqual(snapshots) && InFlight(snapshots) == 0;

    /// <summary>"yes", "no", or "no (digests equal, 8 changes in outboxes)" with the case of <paramref name="yes"/>/<paramref name="no"/>.</summary>
    public static string Describe(IReadOnlyList<RegionSnapshot> snapshots, string yes, string no) =>
        Converged(snapshots) ? yes
        : DigestsEqual(snapshots) ? $"{no} (digests equal, {InFlight(snapshots)} changes in outboxes)"
        : no;

    private static bool DigestsEqual(IReadOnlyList<RegionSnapshot> snapshots) =>
        snapshots.All(s => s.Up && s.Entities > 0) && snapshots.Select(s => s.Digest).Distinct().Count() == 1;

    private static long InFlight(IReadOnlyList<RegionSnapshot> snapshots) => snapshots.Sum(s => s.BacklogRows);
}
