-- 003_orleans_clustering: Orleans ADO.NET membership on a SQLite file shared by the silos of one machine.
-- Design: one version row per deployment (cluster id) that every membership change bumps with optimistic
-- concurrency (Version = @Version), and one row per silo incarnation (address, port, generation). SQLite has
-- no stored procedures, so each query is a short statement list: the version bump runs first and the row
-- change is conditioned on it (changes() > 0), and the last SELECT reports the affected count the provider
-- checks. A bumped version without a row change only makes the silos re-read the table: harmless.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId TEXT NOT NULL PRIMARY KEY,
    Timestamp TEXT NOT NULL,
    Version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId TEXT NOT NULL,
    Address TEXT NOT NULL,
    Port INTEGER NOT NULL,
    Generation INTEGER NOT NULL,
    SiloName TEXT NOT NULL,
    HostName TEXT NOT NULL,
    Status INTEGER NOT NULL,
    ProxyPort INTEGER NULL,
    SuspectTimes TEXT NULL,
    StartTime TEXT NOT NULL,
    IAmAliveTime TEXT NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipVersionKey', '
    INSERT INTO OrleansMembershipVersionTable (DeploymentId, Timestamp, Version)
    VALUES (@DeploymentId, datetime(''now''), 0)
    ON CONFLICT (DeploymentId) DO NOTHING;
    SELECT changes();
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipKey', '
    UPDATE OrleansMembershipVersionTable SET Timestamp = datetime(''now''), Version = Version + 1
    WHERE DeploymentId = @DeploymentId AND Version = @Version;
    INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    SELECT @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
    WHERE changes() > 0
    ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;
    SELECT changes();
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateMembershipKey', '
    UPDATE OrleansMembershipVersionTable SET Timestamp = datetime(''now''), Version = Version + 1
    WHERE DeploymentId = @DeploymentId AND Version = @Version;
    UPDATE OrleansMembershipTable SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
    WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
      AND changes() > 0;
    SELECT changes();
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateIAmAlivetimeKey', '
    UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime
    WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadRowKey', '
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT OUTER JOIN OrleansMembershipTable m ON v.DeploymentId = m.DeploymentId
        AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
    WHERE v.DeploymentId = @DeploymentId;
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadAllKey', '
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT OUTER JOIN OrleansMembershipTable m ON v.DeploymentId = m.DeploymentId
    WHERE v.DeploymentId = @DeploymentId;
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteMembershipTableEntriesKey', '
    DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
    DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('GatewaysQueryKey', '
    SELECT Address, ProxyPort, Generation
    FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntriesKey', '
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status != 3;
');
