-- 002_orleans_persistence: grain state for Orleans' ADO.NET grain storage on SQLite.
-- Design: one row per (service, grain type, grain id). The provider hands us hashes of the id and the type
-- (narrow index) plus the clear strings (to tell hash collisions apart). Writes are optimistic: a write
-- names the version it read (NULL for a first write) and succeeds only if that is still the stored version;
-- the query returns the new version, or nothing when the write lost (the provider then reports an
-- inconsistent state). Used by the benchmark's plain-Orleans baseline.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash INTEGER NOT NULL,
    GrainIdN0 INTEGER NOT NULL,
    GrainIdN1 INTEGER NOT NULL,
    GrainTypeHash INTEGER NOT NULL,
    GrainTypeString TEXT NOT NULL,
    GrainIdExtensionString TEXT NOT NULL DEFAULT '',
    ServiceId TEXT NOT NULL,
    PayloadBinary BLOB NULL,
    ModifiedOn TEXT NOT NULL,
    Version INTEGER NOT NULL,
    UNIQUE (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString, ServiceId)
);

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
    INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, COALESCE(@GrainIdExtensionString, ''''), @ServiceId, @PayloadBinary, datetime(''now''), 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING;

    SELECT 1 AS NewGrainStateVersion WHERE @GrainStateVersion IS NULL AND changes() > 0;

    UPDATE OrleansStorage SET PayloadBinary = @PayloadBinary, ModifiedOn = datetime(''now''), Version = Version + 1
    WHERE @GrainStateVersion IS NOT NULL
      AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND GrainTypeString = @GrainTypeString AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
      AND ServiceId = @ServiceId AND Version = @GrainStateVersion;

    SELECT @GrainStateVersion + 1 AS NewGrainStateVersion WHERE @GrainStateVersion IS NOT NULL AND changes() > 0;
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
    SELECT PayloadBinary, Version
    FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND GrainTypeString = @GrainTypeString AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
      AND ServiceId = @ServiceId
    LIMIT 1;
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
    UPDATE OrleansStorage SET PayloadBinary = NULL, ModifiedOn = datetime(''now''), Version = Version + 1
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND GrainTypeString = @GrainTypeString AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
      AND ServiceId = @ServiceId AND Version = @GrainStateVersion;

    SELECT @GrainStateVersion + 1 AS NewGrainStateVersion WHERE changes() > 0;
');
