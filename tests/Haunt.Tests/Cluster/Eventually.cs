using System.Diagnostics;

namespace Haunt.Tests.Cluster;

/// <summary>Waits on a condition with a deadline: the only way tests wait (no fixed sleeps).</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < limit)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                last = ex;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Timed out after {limit.TotalSeconds:0}s waiting until {what}." + (last is null ? "" : $" Last error: {last.Message}"), last);
    }
}
