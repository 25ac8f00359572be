-- 010_change_feed: every change this region stores, its own writes and those applied from peers, in the order this
-- region committed them (seq), written in the same transaction as the entity row; GET /api/changes reads it, and rows
-- older than Haunt:Feed:Retention are pruned. portfolio_id is the portfolio a change belongs to (a portfolio's own id
-- for a portfolio), which is how a user's feed is filtered. change_feed_pruned holds the highest seq pruning removed:
-- a token below it has missed changes (410 Gone). change_checkpoints keeps the last token a consumer group stored. SQLite has one writer at a time: seq order is commit order.
CREATE TABLE IF NOT EXISTS change_feed (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_type INTEGER NOT NULL,
    entity_id TEXT NOT NULL,
    portfolio_id TEXT,
    operation INTEGER NOT NULL,
    version_vector TEXT NOT NULL,
    origin_region TEXT NOT NULL,
    committed_at_ms INTEGER NOT NULL,
    state TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_change_feed_portfolio ON change_feed (portfolio_id, seq);
CREATE INDEX IF NOT EXISTS ix_change_feed_committed ON change_feed (committed_at_ms);

CREATE TABLE IF NOT EXISTS change_checkpoints (
    consumer_group TEXT NOT NULL PRIMARY KEY,
    seq INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS change_feed_pruned (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    through_seq INTEGER NOT NULL
);
