using Haunt.Tests.Dialects;

namespace Haunt.Tests.Processes;

/// <summary>
/// The silo processes of one test class (osaka's first, then seoul's and nyc's), their data folder and, on
/// PostgreSQL, their database. Started one after another (2 cores and Orleans' watchdog); disposing kills every
/// process, drops the database and removes the folder (kept with HAUNT_KEEP_PROCESS_LOGS, for post-mortems).
/// </summary>
public sealed class SiloProcessSet : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<SiloProcess> _silos = [];

    private SiloProcessSet(string dataDirectory, string? database) => (DataDirectory, Database) = (dataDirectory, database);

    public string DataDirectory { get; }

    /// <summary>The PostgreSQL connection string of the processes' database (null on SQLite).</summary>
    public string? Database { get; private set; }

    public IReadOnlyList<SiloProcess> Silos => _silos;

    public static async Task<SiloProcessSet> StartAsync(StoreKind kind, string name, int osakaSilos = 1)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(kind, name, osakaSilos);
            }
            catch (InvalidOperationException ex) when (attempt < 3 && PortTaken(ex))
            {
                // A port found free can be taken by a parallel test before the child process binds it (seen in CI:
                // Kestrel's bind failed): start the whole set again, on fresh ports, in a fresh folder and database.
            }
        }
    }

    private static bool PortTaken(InvalidOperationException ex) =>
        ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
        || ex.Message.Contains("SocketConnectionListener.Bind", StringComparison.Ordinal);

    private static async Task<SiloProcessSet> StartOnceAsync(StoreKind kind, string name, int osakaSilos)
    {
        var database = kind == StoreKind.Postgres ? await (await PostgresServer.GetAsync()).CreateDatabaseAsync() : null;
        var set = new SiloProcessSet(Path.Combine(Path.GetTempPath(), $"haunt-{name}-{Guid.NewGuid():N}"), database);
        try
        {
            foreach (var silo in SiloProcess.Regions(set.DataDirectory, database, osakaSilos))
            {
                set._silos.Add(silo);
                await silo.StartAsync(StartTimeout);
            }
        }
        catch
        {
            await set.DisposeAsync();
            throw;
        }

        return set;
    }

    /// <summary>Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        _silos.Clear();
        if (Database is not null)
        {
            await (await PostgresServer.GetAsync()).DropDatabaseAsync(Database);
            Database = null;
        }

        if (Environment.GetEnvironmentVariable("HAUNT_KEEP_PROCESS_LOGS") is null)
        {
            try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { /* in /tmp, or never created */ }
        }
    }
}
