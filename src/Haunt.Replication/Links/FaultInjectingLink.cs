namespace Haunt.Replication.Links;

/// <summary>
/// The seam that simulates the network between regions: cuts, drops, duplicates, delays (and so reorders)
/// and corrupts messages per <see cref="LinkFaults"/>, then hands the rest to the real link.
/// </summary>
public sealed class FaultInjectingLink(IReplicationLink inner, LinkFaults faults) : IReplicationLink
{
    public Task SendAsync(SyncMessage message)
    {
        if (faults.For(message.From, message.To) is not { } fault)
        {
            return inner.SendAsync(message);
        }

        if (fault.Cut || faults.Roll() < fault.DropRate)
        {
            faults.Count(dropped: true);
            return Task.CompletedTask;
        }

        if (message is ChangeBatch batch && faults.Roll() < fault.CorruptRate && batch.Body.Length > 0)
        {
            var body = (byte[])batch.Body.Clone();
            body[(int)(faults.Roll() * body.Length)] ^= 0x5A;
            message = batch with { Body = body };
            faults.Count(corrupted: true);
        }

        var copies = faults.Roll() < fault.DuplicateRate ? 2 : 1;
        if (copies == 2)
        {
            faults.Count(duplicated: true);
        }

        var delay = fault.MinDelay + (fault.MaxDelay - fault.MinDelay) * faults.Roll();
        if (delay <= TimeSpan.Zero)
        {
            return SendCopiesAsync(message, copies);
        }

        // Delayed messages travel on their own, so later ones can overtake them: that is the reorder.
        _ = Task.Run(async () =>
        {
            await Task.Delay(delay);
            await SendCopiesAsync(message, copies);
        });
        return Task.CompletedTask;
    }

    private async Task SendCopiesAsync(SyncMessage message, int copies)
    {
        for (var i = 0; i < copies; i++)
        {
            await inner.SendAsync(message);
        }
    }
}
