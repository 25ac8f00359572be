-- 002_orleans_clustering: Orleans ADO.NET membership on PostgreSQL, for silos on separate hosts.
-- Design: one version row per deployment that every membership change bumps with optimistic concurrency
-- (Version = @Version), one row per silo incarnation. Each change is one statement: a data-modifying CTE bumps
-- the version and the row change runs only if the bump did, so both happen in one statement's snapshot; the
-- final SELECT returns the affected count the provider checks. Parameters are cast because PostgreSQL cannot
-- infer untyped parameter types inside CTEs.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL PRIMARY KEY,
    Timestamp timestamptz(3) NOT NULL DEFAULT now(),
    Version integer NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150) NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
    Address varchar(45) NOT NULL,
    Port integer NOT NULL,
    Generation integer NOT NULL,
    SiloName varchar(150) NOT NULL,
    HostName varchar(150) NOT NULL,
    Status integer NOT NULL,
    ProxyPort integer NULL,
    SuspectTimes varchar(8000) NULL,
    StartTime timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey', '
    WITH inserted AS (
        INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId::varchar)
        ON CONFLICT (DeploymentId) DO NOTHING RETURNING 1)
    SELECT COUNT(*)::int FROM inserted;
'),
('InsertMembershipKey', '
    WITH bumped AS (
        UPDATE OrleansMembershipVersionTable SET Timestamp = now(), Version = Version + 1
        WHERE DeploymentId = @DeploymentId::varchar AND Version = @Version::int RETURNING 1),
    inserted AS (
        INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
        SELECT @DeploymentId::varchar, @Address::varchar, @Port::int, @Generation::int, @SiloName::varchar, @HostName::varchar,
               @Status::int, @ProxyPort::int, @StartTime::timestamptz, @IAmAliveTime::timestamptz
        WHERE EXISTS (SELECT 1 FROM bumped)
        ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING RETURNING 1)
    SELECT COUNT(*)::int FROM inserted;
'),
('UpdateMembershipKey', '
    WITH bumped AS (
        UPDATE OrleansMembershipVersionTable SET Timestamp = now(), Version = Version + 1
        WHERE DeploymentId = @DeploymentId::varchar AND Version = @Version::int RETURNING 1),
    updated AS (
        UPDATE OrleansMembershipTable SET Status = @Status::int, SuspectTimes = @SuspectTimes::varchar, IAmAliveTime = @IAmAliveTime::timestamptz
        WHERE DeploymentId = @DeploymentId::varchar AND Address = @Address::varchar AND Port = @Port::int AND Generation = @Generation::int
          AND EXISTS (SELECT 1 FROM bumped) RETURNING 1)
    SELECT COUNT(*)::int FROM updated;
'),
('UpdateIAmAlivetimeKey', '
    UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime::timestamptz
    WHERE DeploymentId = @DeploymentId::varchar AND Address = @Address::varchar AND Port = @Port::int AND Generation = @Generation::int;
'),
('MembershipReadRowKey', '
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT OUTER JOIN OrleansMembershipTable m ON v.DeploymentId = m.DeploymentId
        AND m.Address = @Address::varchar AND m.Port = @Port::int AND m.Generation = @Generation::int
    WHERE v.DeploymentId = @DeploymentId::varchar;
'),
('MembershipReadAllKey', '
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT OUTER JOIN OrleansMembershipTable m ON v.DeploymentId = m.DeploymentId
    WHERE v.DeploymentId = @DeploymentId::varchar;
'),
('DeleteMembershipTableEntriesKey', '
    DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId::varchar;
    DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId::varchar;
'),
('GatewaysQueryKey', '
    SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId::varchar AND Status = @Status::int AND ProxyPort > 0;
'),
('CleanupDefunctSiloEntriesKey', '
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId::varchar AND IAmAliveTime < @IAmAliveTime::timestamptz AND Status != 3;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
