namespace Haunt.Tests.Dialects;

/// <summary>The engines a regional store runs on; every store and cluster test runs on each.</summary>
public enum StoreKind { Sqlite, Postgres }

public static class StoreKinds
{
    /// <summary>Reports the test as skipped (never under CI=true, see <see cref="PostgresServer"/>) when its engine is absent.</summary>
    public static void SkipIfUnavailable(StoreKind kind) =>
        Skip.If(kind == StoreKind.Postgres && PostgresServer.Unavailable is not null, PostgresServer.Unavailable);
}
