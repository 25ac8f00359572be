using System.ComponentModel.DataAnnotations;

namespace Haunt.Silo.Hosting;

/// <summary>
/// Configuration of one silo process (section "Haunt"; environment variables Haunt__Region, Haunt__Sync__ClusterKey, …;
/// command-line flags override both). Checked at start: a bad value stops the process with a message naming it.
/// </summary>
public sealed class SiloHostOptions
{
    public const string Section = "Haunt";

    /// <summary>This silo's region: one of <see cref="Regions"/>.</summary>
    public string Region { get; set; } = "";

    /// <summary>
    /// The deployment's regions in rank order, comma-separated (Haunt:Regions, e.g. Haunt__Regions=frankfurt,osaka;
    /// default osaka, seoul, nyc): the same in every region. A lower rank wins ties.
    /// </summary>
    public string? Regions { get; set; }

    /// <summary>Haunt:Join: start empty, to be added to a running deployment; serve only once admitted and caught up.</summary>
    public bool Join { get; set; }

    /// <summary>The primary region (Haunt:PrimaryRegion; default the first of Regions): it wins concurrent strong writes.</summary>
    public string? PrimaryRegion { get; set; }

    /// <summary>The names of <see cref="Regions"/> (the default set's when unset).</summary>
    public IReadOnlyList<string> RegionList => string.IsNullOrWhiteSpace(Regions)
        ? RegionSet.Default.All
        : Regions.Split(',', StringSplitOptions.TrimEntries);

    /// <summary>The deployment's region set; call only once <see cref="Problems"/> found none.</summary>
    public RegionSet ToRegionSet() => new(RegionList, PrimaryRegion);

    /// <summary>Folder of the regional SQLite store (&lt;region&gt;.db) and, by default, the region's cluster file.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>This region's SQLite cluster file for membership and reminders (default &lt;data&gt;/&lt;region&gt;.cluster.db).</summary>
    public string? ClusterDatabase { get; set; }

    /// <summary>
    /// PostgreSQL connection string for this region's membership and reminders (silos on separate hosts);
    /// replaces ClusterDatabase. Without a Search Path the tables go to the schema orleans_&lt;region&gt;.
    /// </summary>
    public string? ClusterPostgres { get; set; }

    /// <summary>
    /// How the region's silos find each other: SqliteFile (the cluster file; the default), Postgres (the default when
    /// ClusterPostgres is set) or Localhost (Orleans development clustering, for silos of one process: in-process
    /// `up`, the benchmark, tests).
    /// </summary>
    public ClusterMode? Clustering { get; set; }

    /// <summary>Localhost clustering: the silo port of the region's primary silo (0 = this silo is the primary).</summary>
    [Range(0, 65535)] public int PrimarySiloPort { get; set; }

    /// <summary>PostgreSQL connection string for this region's store (schema haunt_&lt;region&gt;); replaces the SQLite file.</summary>
    public string? StorePostgres { get; set; }

    /// <summary>Address this region's other silos and the peer regions reach this one at (default 127.0.0.1; a host name in containers).</summary>
    public string AdvertisedHost { get; set; } = "127.0.0.1";

    /// <summary>
    /// The other regions' gateways, by region: "host", "host:port" or several comma-separated (section
    /// Haunt:Peers, e.g. Haunt__Peers__seoul=10.0.0.2). Default: loopback at the region's default gateway port.
    /// </summary>
    public Dictionary<string, string> Peers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Which of its region's silos on this machine this is (0–9): its default ports are the region's plus 100 per
    /// index, so `silo --region osaka` and `silo --region osaka --silo-index 1` run side by side.
    /// </summary>
    [Range(0, SiloEndpoints.MaxSilosPerRegion - 1)] public int SiloIndex { get; set; }

    /// <summary>0 = the default of the region and silo index (osaka 11111/30000/5101, seoul +1, nyc +2).</summary>
    [Range(0, 65535)] public int SiloPort { get; set; }
    [Range(0, 65535)] public int GatewayPort { get; set; }
    [Range(0, 65535)] public int HttpPort { get; set; }

    /// <summary>Development: a missing sync key is generated into the data folder. Production: it must be set.</summary>
    public bool Development { get; set; }

    /// <summary>Declare a killed silo dead within seconds (tests, demos).</summary>
    public bool FastFailureDetection { get; set; }

    public SyncKeyOptions Sync { get; set; } = new();

    /// <summary>Token validation (Haunt:Auth); in development without keys, a local key in the data folder.</summary>
    public Security.AuthSettings Auth { get; set; } = new();

    /// <summary>HTTPS and mutual TLS on every Orleans connection (Haunt:Tls: PEM certificate, key, CA); off when unset.</summary>
    public Security.TlsSettings Tls { get; set; } = new();

    /// <summary>Metrics and traces exported (Haunt:Telemetry: Prometheus, OTLP) and JSON logs; all off by default.</summary>
    public Telemetry.TelemetrySettings Telemetry { get; set; } = new();

    /// <summary>Requests per second on the trading endpoints (Haunt:RateLimits).</summary>
    public Security.RateLimitSettings RateLimits { get; set; } = new();

    /// <summary>Whether peers and clients reach this silo on loopback only (then it listens there only).</summary>
    public bool AdvertisesLoopback => AdvertisedHost is "localhost" || (System.Net.IPAddress.TryParse(AdvertisedHost, out var address) && System.Net.IPAddress.IsLoopback(address));

    /// <summary>The clustering this silo runs with: as configured, else by whether a cluster database in PostgreSQL is given.</summary>
    public ClusterMode EffectiveClustering => Clustering ?? (string.IsNullOrWhiteSpace(ClusterPostgres) ? ClusterMode.SqliteFile : ClusterMode.Postgres);

    /// <summary>This silo's ports: as configured, or its region's defaults for its silo index.</summary>
    public SiloEndpoints Endpoints()
    {
        var defaults = SiloEndpoints.DefaultFor(Region, index: SiloIndex, regions: ToRegionSet());
        return new SiloEndpoints(SiloPort > 0 ? SiloPort : defaults.SiloPort, GatewayPort > 0 ? GatewayPort : defaults.GatewayPort,
            HttpPort > 0 ? HttpPort : defaults.HttpPort);
    }

    /// <summary>The token settings this silo runs with: as configured, or in development without keys the local key of <paramref name="dataDirectory"/>.</summary>
    public Security.AuthSettings EffectiveAuth(string dataDirectory) => Auth.SigningKeys.Count > 0 || !Development
        ? Auth
        : new Security.AuthSettings { Issuer = Auth.Issuer, Audience = Auth.Audience, SigningKeys = [ClusterKeyFile.LoadOrCreate(dataDirectory, ClusterKeyFile.TokenSigningKey)] };

    public sealed class SyncKeyOptions
    {
        public string? ClusterKey { get; set; }
    }

    /// <summary>Every problem with these settings, in words an operator can act on.</summary>
    public IEnumerable<string> Problems()
    {
        if (RegionSet.Problem(RegionList, PrimaryRegion) is { } setProblem)
        {
            yield return $"Haunt:Regions / Haunt:PrimaryRegion: {setProblem}";
        }
        else if (!RegionList.Contains(Region, StringComparer.Ordinal))
        {
            yield return $"Haunt:Region must be one of {string.Join(", ", RegionList)} (Haunt:Regions; got '{Region}').";
        }
        else
        {
            foreach (var problem in PeerAddresses.Problems(Region, ToRegionSet(), Peers))
            {
                yield return problem;
            }
        }

        if (SiloIndex is < 0 or >= SiloEndpoints.MaxSilosPerRegion)
        {
            yield return $"Haunt:SiloIndex must be 0–{SiloEndpoints.MaxSilosPerRegion - 1} (got {SiloIndex}).";
        }

        foreach (var (name, port) in new[] { ("SiloPort", SiloPort), ("GatewayPort", GatewayPort), ("HttpPort", HttpPort), ("PrimarySiloPort", PrimarySiloPort) })
        {
            if (port is < 0 or > 65535)
            {
                yield return $"Haunt:{name} must be 0–65535 (got {port}).";
            }
        }

        if (Clustering == ClusterMode.Postgres && string.IsNullOrWhiteSpace(ClusterPostgres))
        {
            yield return "Haunt:Clustering is Postgres but Haunt:ClusterPostgres (the cluster database's connection string) is not set.";
        }

        foreach (var (name, value) in new[] { ("ClusterPostgres", ClusterPostgres), ("StorePostgres", StorePostgres) })
        {
            if (!string.IsNullOrWhiteSpace(value) && ConnectionStringProblem(value) is { } problem)
            {
                yield return $"Haunt:{name} is not a valid PostgreSQL connection string: {problem}";
            }
        }

        foreach (var problem in Auth.Problems().Where(_ => Auth.SigningKeys.Count > 0 || !Development))
        {
            yield return problem;
        }

        foreach (var problem in Tls.Problems())
        {
            yield return problem;
        }

        // The default metrics port follows the HTTP port, which follows the region: known only once the region is.
        var ports = RegionSet.Problem(RegionList, PrimaryRegion) is null && RegionList.Contains(Region, StringComparer.Ordinal)
            ? Endpoints() : new SiloEndpoints(SiloPort, GatewayPort, HttpPort);
        foreach (var problem in Telemetry.Problems(ports))
        {
            yield return problem;
        }

        if (!Development && !AdvertisesLoopback && !Tls.Enabled && !Tls.Disabled)
        {
            yield return $"Haunt:Tls is required for a silo advertised at '{AdvertisedHost}' (not loopback) outside development: set Haunt:Tls:Certificate, " +
                "Haunt:Tls:Key and Haunt:Tls:Authority (PEM files), or Haunt:Tls:Disabled=true to run its API and Orleans connections in clear text.";
        }

        foreach (var (name, limit) in new[] { ("PerUser", RateLimits.PerUser), ("PerAddress", RateLimits.PerAddress), ("SyncPerUser", RateLimits.SyncPerUser) })
        {
            if (limit < 1)
            {
                yield return $"Haunt:RateLimits:{name} must be at least 1 request a second (got {limit}).";
            }
        }

        if (RateLimits.FeedReadsPerUser < 1)
        {
            yield return $"Haunt:RateLimits:FeedReadsPerUser must be at least 1 read open at once (got {RateLimits.FeedReadsPerUser}).";
        }

        if (string.IsNullOrWhiteSpace(Sync.ClusterKey) && !Development)
        {
            yield return "Haunt:Sync:ClusterKey is required outside development: set it (base64, ≥ 32 bytes) through " +
                "the environment variable Haunt__Sync__ClusterKey or a secret, or pass --development to generate a local key.";
        }
        else if (!string.IsNullOrWhiteSpace(Sync.ClusterKey) && !Base64Key.IsValid(Sync.ClusterKey))
        {
            yield return "Haunt:Sync:ClusterKey must be base64 of at least 32 bytes.";
        }
    }

    private static string? ConnectionStringProblem(string value)
    {
        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(value);
            return string.IsNullOrWhiteSpace(builder.Host) ? "it names no Host." : null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }
}
