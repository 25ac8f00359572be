-- 002_sync (PostgreSQL): the replication bookkeeping, committed in the same transactions as the data it
-- describes; the same tables as sql/sqlite/002_sync.sql.
-- sync_queue is the transactional outbox: one row per local change, written with the entity row. It stays
-- until every peer acked it; pending_<peer> = 1 marks who still needs it, and one partial index per peer
-- keeps "next batch for seoul" an index range scan however far behind another peer is. seq comes from an
-- identity sequence (sync_queue_seq_seq): never reused, so a peer's watermark stays meaningful after pruning.
-- sync_state holds per peer the ack watermark and whether the peer fell so far behind that it must catch up
-- from state (needs_snapshot) rather than from the outbox.
-- sync_conflicts keeps one row per concurrent pair (pair_key = both vectors, sorted), however often the pair
-- is delivered.
-- sync_versions holds, per origin region, the highest outbox seq applied here and how many changes it
-- brought, written in the apply transaction; health reports it per peer. It is a record for operators, not
-- what prevents double apply: a resent change is ignored because its version vector is dominated or equal.
-- Small flags and enums are SMALLINT, counters and times (ms since the epoch) BIGINT.
CREATE TABLE IF NOT EXISTS sync_queue (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    priority SMALLINT NOT NULL,
    entity_type SMALLINT NOT NULL,
    entity_id TEXT COLLATE "C" NOT NULL,
    operation SMALLINT NOT NULL,
    version_vector TEXT NOT NULL,
    committed_at_ms BIGINT NOT NULL,
    pending_osaka SMALLINT NOT NULL DEFAULT 0,
    pending_seoul SMALLINT NOT NULL DEFAULT 0,
    pending_nyc SMALLINT NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL,
    state TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_sync_queue_osaka ON sync_queue (priority, seq) WHERE pending_osaka = 1;
CREATE INDEX IF NOT EXISTS ix_sync_queue_seoul ON sync_queue (priority, seq) WHERE pending_seoul = 1;
CREATE INDEX IF NOT EXISTS ix_sync_queue_nyc ON sync_queue (priority, seq) WHERE pending_nyc = 1;

CREATE TABLE IF NOT EXISTS sync_state (
    peer TEXT NOT NULL PRIMARY KEY,
    watermark BIGINT NOT NULL DEFAULT 0,
    last_ack_at_ms BIGINT,
    needs_snapshot SMALLINT NOT NULL DEFAULT 0,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS sync_versions (
    origin_region TEXT NOT NULL PRIMARY KEY,
    last_seq_applied BIGINT NOT NULL,
    changes_applied BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS sync_conflicts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_type SMALLINT NOT NULL,
    entity_id TEXT COLLATE "C" NOT NULL,
    local_vector TEXT NOT NULL,
    remote_vector TEXT NOT NULL,
    local_payload TEXT,
    remote_payload TEXT,
    local_region TEXT NOT NULL,
    remote_region TEXT NOT NULL,
    winner TEXT NOT NULL,
    policy TEXT NOT NULL,
    detected_in TEXT NOT NULL,
    detected_at_ms BIGINT NOT NULL,
    pair_key TEXT NOT NULL,
    UNIQUE (entity_type, entity_id, pair_key)
);

CREATE TABLE IF NOT EXISTS node_metrics (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region TEXT NOT NULL,
    recorded_at_ms BIGINT NOT NULL,
    metrics TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_node_metrics_time ON node_metrics (recorded_at_ms);
