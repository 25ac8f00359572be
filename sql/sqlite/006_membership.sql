-- 006_membership: the agreed membership this region adopted (one row: its version, the record as JSON) and whether
-- the region serves (0 while it joins a running deployment and catches up). The outbox queues every local change
-- for the peers sync_state lists, which adopting a membership brings in line with it in the same transaction.
CREATE TABLE IF NOT EXISTS sync_membership (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL,
    record TEXT NOT NULL,
    serving INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
