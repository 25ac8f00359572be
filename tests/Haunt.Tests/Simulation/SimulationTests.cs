using System.Diagnostics;
using Xunit.Abstractions;

namespace Haunt.Tests.Simulation;

/// <summary>
/// The sync core under thousands of seeded schedules of writes and faults, no Orleans: every acknowledged
/// write in every region exactly once, equal digests, versions only up, conflicts logged, no double apply.
/// A failure prints its seed; `HAUNT_SIM_SEED=n` replays one schedule.
/// </summary>
public sealed class SimulationTests(ITestOutputHelper output)
{
    private const int Schedules = 2000;
    private const int StepsPerSchedule = 80;

    [Fact]
    public void Thousands_of_seeded_schedules_converge_with_every_acknowledged_write_exactly_once()
    {
        var first = int.TryParse(Environment.GetEnvironmentVariable("HAUNT_SIM_SEED"), out var s) ? s : Random.Shared.Next(1, int.MaxValue / 2);
        var count = Environment.GetEnvironmentVariable("HAUNT_SIM_SEED") is null ? Schedules : 1;
        output.WriteLine($"seeds {first}..{first + count - 1} (HAUNT_SIM_SEED=<seed> replays one)");
        var clock = Stopwatch.StartNew();
        var results = Enumerable.Range(first, count).Select(seed => new SimulatedCluster(seed).Run(StepsPerSchedule)).ToList();

        var failed = results.Where(r => r.Violations.Count > 0).ToList();
        output.WriteLine($"{results.Count} schedules in {clock.Elapsed.TotalSeconds:0.0} s: {results.Sum(r => r.Writes)} acknowledged writes checked in 3 regions, " +
            $"{results.Sum(r => r.Messages)} messages ({results.Sum(r => r.Dropped)} dropped, {results.Sum(r => r.Duplicated)} duplicated, " +
            $"{results.Sum(r => r.Corrupted)} corrupted), {results.Sum(r => r.Faults)} link faults; writes lost: {failed.Count(f => f.Violations.Any(v => v.Contains("acknowledged")))}");
        Assert.True(failed.Count == 0, $"{failed.Count} schedules failed; first: seed {failed.FirstOrDefault()?.Seed}: " +
            string.Join("; ", failed.FirstOrDefault()?.Violations.Take(5) ?? []));
    }

    [Fact]
    public void A_schedule_replays_identically_from_its_seed()
    {
        var a = new SimulatedCluster(424242).Run(StepsPerSchedule);
        var b = new SimulatedCluster(424242).Run(StepsPerSchedule);
        Assert.Equal((a.Writes, a.Messages, a.Dropped, a.Duplicated, a.Corrupted), (b.Writes, b.Messages, b.Dropped, b.Duplicated, b.Corrupted));
        Assert.Empty(a.Violations);
    }
}
