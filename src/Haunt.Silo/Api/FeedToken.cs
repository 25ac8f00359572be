namespace Haunt.Silo.Api;

/// <summary>
/// Where a consumer of a region's change feed stands: the region and the last seq it has seen there, written
/// "region.seq" (e.g. osaka.1234). Opaque to consumers; a token is only good in the region that gave it, since seqs are
/// that region's commit order.
/// </summary>
public readonly record struct FeedToken(string Region, long Seq)
{
    public override string ToString() => $"{Region}.{Seq}";

    /// <summary>The token in <paramref name="text"/>, or why it is not one.</summary>
    public static bool TryParse(string text, out FeedToken token, out string problem)
    {
        token = default;
        var dot = text.LastIndexOf('.');
        if (dot <= 0 || !RegionNames.IsWellFormed(text[..dot]) || !long.TryParse(text[(dot + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seq))
        {
            problem = $"'{Shorten(text)}' is not a change-feed token (region.seq, as a response's 'next' gives it).";
            return false;
        }

        token = new FeedToken(text[..dot], seq);
        problem = "";
        return true;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
