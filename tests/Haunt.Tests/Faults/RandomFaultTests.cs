using Haunt.Grains.Sync;
using Haunt.Tests.Cluster;
using Xunit.Abstractions;

namespace Haunt.Tests.Faults;

[Collection(SqliteClusterCollection.Name)]
public sealed class SqliteRandomFaultTests(SqliteCluster cluster, ITestOutputHelper output) : RandomFaultTests(cluster, output);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresRandomFaultTests(PostgresCluster cluster, ITestOutputHelper output) : RandomFaultTests(cluster, output);

/// <summary>
/// Random writes in all regions under random link faults and one silo kill/restart, on the real cluster.
/// The seed is printed; set HAUNT_FAULT_SEED to replay a schedule.
/// </summary>
public abstract class RandomFaultTests(ClusterFixture fixture, ITestOutputHelper output) : ClusterTests(fixture.Kind)
{
    private static LinkFault RandomFault(Random random) => random.Next(6) switch
    {
        0 => LinkFault.Severed,
        1 => new LinkFault { DropRate = 0.2 },
        2 => new LinkFault { DuplicateRate = 0.3 },
        3 => new LinkFault { MinDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(150) },
        4 => new LinkFault { CorruptRate = 0.2 },
        _ => new LinkFault(),
    };

    [SkippableFact]
    public async Task Random_writes_link_faults_and_a_silo_kill_converge_with_every_acknowledged_write_once()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("HAUNT_FAULT_SEED"), out var s) ? s : Random.Shared.Next();
        output.WriteLine($"HAUNT_FAULT_SEED={seed}");
        var random = new Random(seed);
        var shared = Enumerable.Range(0, 3).Select(_ => Guid.CreateVersion7().ToString("N")).ToList();
        var victim = random.Next(2) == 0 ? KnownRegions.Seoul : KnownRegions.Nyc;
        var acked = new AckedWrites();
        var faults = 0;
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            var writers = KnownRegions.All.Select(r => acked.WriteSteadilyAsync(fixture, r, stop.Token, pauseMs: 10, shared)).ToList();
            try
            {
                for (var step = 0; step < 10; step++)
                {
                    var from = KnownRegions.All[random.Next(3)];
                    var to = KnownRegions.PeersOf(from).ElementAt(random.Next(2));
                    fixture.Fault(from, to, RandomFault(random));
                    faults++;
                    if (step == 4)
                    {
                        output.WriteLine($"killing {victim}");
                        await fixture.KillAsync(victim);
                        await fixture.RestartAsync(victim);
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(1200)); // the schedule's pace, not a wait for a result
                }
            }
            finally
            {
                await Task.WhenAll(writers);
                fixture.HealAll();
            }
        }

        await fixture.ConvergedAsync(TimeSpan.FromSeconds(90));
        await acked.AssertAllPresentExactlyOnceAsync(fixture);
        output.WriteLine($"{acked.Count} acknowledged writes checked in 3 regions after {faults} link faults and a kill of {victim}; 0 lost");
    }
}
