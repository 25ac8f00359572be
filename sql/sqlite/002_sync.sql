-- 002_sync: the replication bookkeeping, committed in the same transactions as the data it describes.
-- sync_queue is the transactional outbox: one row per local change, written with the entity row. It stays
-- until every peer acked it; pending_<peer> = 1 marks who still needs it, and one partial index per peer
-- keeps "next batch for seoul" an index range scan however far behind another peer is.
-- sync_state holds per peer the ack watermark and whether the peer fell so far behind that it must catch up
-- from state (needs_snapshot) rather than from the outbox.
-- sync_conflicts keeps one row per concurrent pair (pair_key = both vectors, sorted), however often the pair
-- is delivered.
-- sync_versions holds, per origin region, the highest outbox seq applied here and how many changes it
-- brought, written in the apply transaction; health reports it per peer. It is a record for operators, not
-- what prevents double apply: a resent change is ignored because its version vector is dominated or equal.
CREATE TABLE IF NOT EXISTS sync_queue (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    priority INTEGER NOT NULL,
    entity_type INTEGER NOT NULL,
    entity_id TEXT NOT NULL,
    operation INTEGER NOT NULL,
    version_vector TEXT NOT NULL,
    committed_at_ms INTEGER NOT NULL,
    pending_osaka INTEGER NOT NULL DEFAULT 0,
    pending_seoul INTEGER NOT NULL DEFAULT 0,
    pending_nyc INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL,
    state TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_sync_queue_osaka ON sync_queue (priority, seq) WHERE pending_osaka = 1;
CREATE INDEX IF NOT EXISTS ix_sync_queue_seoul ON sync_queue (priority, seq) WHERE pending_seoul = 1;
CREATE INDEX IF NOT EXISTS ix_sync_queue_nyc ON sync_queue (priority, seq) WHERE pending_nyc = 1;

CREATE TABLE IF NOT EXISTS sync_state (
    peer TEXT NOT NULL PRIMARY KEY,
    watermark INTEGER NOT NULL DEFAULT 0,
    last_ack_at_ms INTEGER,
    needs_snapshot INTEGER NOT NULL DEFAULT 0,
    updated_at_ms INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS sync_versions (
    origin_region TEXT NOT NULL PRIMARY KEY,
    last_seq_applied INTEGER NOT NULL,
    changes_applied INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS sync_conflicts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_type INTEGER NOT NULL,
    entity_id TEXT NOT NULL,
    local_vector TEXT NOT NULL,
    remote_vector TEXT NOT NULL,
    local_payload TEXT,
    remote_payload TEXT,
    local_region TEXT NOT NULL,
    remote_region TEXT NOT NULL,
    winner TEXT NOT NULL,
    policy TEXT NOT NULL,
    detected_in TEXT NOT NULL,
    detected_at_ms INTEGER NOT NULL,
    pair_key TEXT NOT NULL,
    UNIQUE (entity_type, entity_id, pair_key)
);

CREATE TABLE IF NOT EXISTS node_metrics (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    region TEXT NOT NULL,
    recorded_at_ms INTEGER NOT NULL,
    metrics TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_node_metrics_time ON node_metrics (recorded_at_ms);
