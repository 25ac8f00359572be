using Haunt.Silo.Hosting;
using Haunt.Silo.Telemetry;

namespace Haunt.Tests.Telemetry;

/// <summary>Issue 25: where the scrape endpoint listens, and the telemetry settings a silo refuses to start with.</summary>
public sealed class TelemetrySettingsTests
{
    private static readonly SiloEndpoints s_osaka = SiloEndpoints.DefaultFor(KnownRegions.Osaka);

    [Fact]
    public void The_scrape_endpoint_listens_on_the_http_port_plus_4000_unless_a_port_is_set()
    {
        Assert.Equal(9101, new TelemetrySettings().MetricsPort(s_osaka));
        Assert.Equal(9201, new TelemetrySettings().MetricsPort(SiloEndpoints.DefaultFor(KnownRegions.Osaka, index: 1)));
        Assert.Equal(9464, new TelemetrySettings { Prometheus = { Port = 9464 } }.MetricsPort(s_osaka));
    }

    [Fact]
    public void A_scrape_port_equal_to_the_http_port_and_an_otlp_endpoint_that_is_no_url_are_both_named()
    {
        var settings = new TelemetrySettings { Prometheus = { Enabled = true, Port = s_osaka.HttpPort }, Otlp = { Endpoint = new Uri("collector:4317") } };

        Assert.Equal(["Haunt:Telemetry:Otlp:Endpoint", "Haunt:Telemetry:Prometheus:Port"], settings.Problems(s_osaka).Select(p => p.Split(' ')[0]));
        Assert.Empty(new TelemetrySettings { Prometheus = { Enabled = true }, Otlp = { Endpoint = new Uri("http://collector:4317") } }.Problems(s_osaka));
    }
}
