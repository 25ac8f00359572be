using Haunt.Grains;
using Haunt.Replication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Haunt.Trading.Load;

/// <summary>
/// Runs <see cref="TradingLoad"/> inside the silo once it is active, through the silo's own grain factory, the way
/// the HTTP API reaches grains: a load driver needs no way into the cluster that users or peers do not have.
/// Stops with the silo and logs what it wrote.
/// </summary>
public sealed partial class SiloLoad(IGrainFactory grains, SiloRegion region, IOptions<LoadOptions> options, ILogger<SiloLoad> log)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(SiloLoad), ServiceLifecycleStage.Active, Start, StopAsync);

    private Task Start(CancellationToken cancellationToken)
    {
        if (options.Value.WritesPerSecond > 0)
        {
            if (options.Value.StopAfter is { } stopAfter)
            {
                _stopping.CancelAfter(stopAfter);
            }

            var load = new TradingLoad(grains, region.Name, seed: region.Regions.Rank(region.Name) + 1);
            _running = Task.Run(async () =>
            {
                await load.RunAsync(options.Value.WritesPerSecond, _stopping.Token);
                LogStopped(log, region.Name, load.Writes, load.Failures);
            });
        }

        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _running.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Background load in {Region} stopped: {Writes} writes, {Failures} refused or failed")]
    private static partial void LogStopped(ILogger logger, string region, long writes, long failures);
}
