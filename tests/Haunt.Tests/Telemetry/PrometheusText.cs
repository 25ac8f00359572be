using System.Globalization;
using System.Text.RegularExpressions;

namespace Haunt.Tests.Telemetry;

/// <summary>One sample of a scrape: the series name, its labels and its value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? this[string label] => Labels.GetValueOrDefault(label);
}

/// <summary>The samples of a Prometheus text exposition (the format a scrape endpoint answers with), comments left out.</summary>
public static partial class PrometheusText
{
    public static IReadOnlyList<PrometheusSample> Parse(string text) =>
    [
        .. text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(Sample),
    ];

    /// <summary>The value of <paramref name="name"/> for the pair origin → destination as <paramref name="region"/> reports it (0 when absent).</summary>
    public static double Pair(this IEnumerable<PrometheusSample> samples, string name, string region, string origin, string destination) =>
        samples.Where(s => s.Name == name && s["region"] == region && s["origin"] == origin && s["destination"] == destination).Sum(s => s.Value);

    private static PrometheusSample Sample(string line)
    {
        var match = SampleLine().Match(line);
        Assert.True(match.Success, $"not a sample line: {line}");
        var labels = LabelPair().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups["key"].Value, m => Regex.Unescape(m.Groups["value"].Value));
        var value = match.Groups["value"].Value switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            var v => double.Parse(v, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(match.Groups["name"].Value, labels, value);
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(\\.|[^""\\])*)""")]
    private static partial Regex LabelPair();
}
