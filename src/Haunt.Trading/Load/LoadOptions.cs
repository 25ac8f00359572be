namespace Haunt.Trading.Load;

/// <summary>Background trading load a silo runs on itself (section "Haunt:Load"): `up` turns it on in each region's first silo; off by default.</summary>
public sealed class LoadOptions
{
    /// <summary>Writes per second of <see cref="TradingLoad"/> in this silo's region; 0 = none.</summary>
    public int WritesPerSecond { get; set; }

    /// <summary>How long the load runs from the silo's start (`up --for`); null = until the silo stops.</summary>
    public TimeSpan? StopAfter { get; set; }

    /// <summary>The settings as configuration keys, for the silo of a region that runs the load (none for the others).</summary>
    public IEnumerable<KeyValuePair<string, string?>> ToSettings() =>
    [
        new("Haunt:Load:WritesPerSecond", WritesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Haunt:Load:StopAfter", StopAfter?.ToString("c", System.Globalization.CultureInfo.InvariantCulture)),
    ];
}
