-- 001_entities (PostgreSQL): one table per replicated entity type (13), all of the same shape, as in
-- sql/sqlite/001_entities.sql so that one code path reads and writes both engines.
-- Design: the record travels and is stored as JSON text (payload) so that the sync layer applies any type with
-- one code path; the replication columns sit beside it. version = sum of the version vector (the scalar
-- optimistic-concurrency token), version_vector = "osaka.seoul.nyc", last_modified_at = packed hybrid logical
-- clock. Deleted rows stay as tombstones (deleted = 1) so a late update cannot resurrect them.
-- id is COLLATE "C" (byte order): digests and reconciliation walk rows in id order, and that order must be the
-- same in every region whatever the database's locale (and the same as SQLite's). payload is text, not jsonb:
-- it is stored and returned verbatim, never queried, and jsonb would reorder its keys.
-- The tables live in the region's schema (haunt_<region>), chosen by the connection's search_path.
CREATE TABLE IF NOT EXISTS portfolios (id TEXT COLLATE "C" NOT NULL PRIMARY KEY, portfolio_id TEXT, home_region TEXT NOT NULL, version BIGINT NOT NULL, version_vector TEXT NOT NULL, last_modified_at BIGINT NOT NULL, last_modified_by TEXT NOT NULL, deleted SMALLINT NOT NULL DEFAULT 0, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orders (id TEXT COLLATE "C" NOT NULL PRIMARY KEY, portfolio_id TEXT, home_region TEXT NOT NULL, version BIGINT NOT NULL, version_vector TEXT NOT NULL, last_modified_at BIGINT NOT NULL, last_modified_by TEXT NOT NULL, deleted SMALLINT NOT NULL DEFAULT 0, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS positions (id TEXT COLLATE "C" NOT NULL PRIMARY KEY, portfolio_id TEXT, home_region TEXT NOT NULL, version BIGINT NOT NULL, version_vector TEXT NOT NULL, last_modified_at BIGINT NOT NULL, last_modified_by TEXT NOT NULL, deleted SMALLINT NOT NULL DEFAULT 0, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trades (id TEXT COLLATE "C" NOT NULL PRIMARY KEY, portfolio_id TEXT, home_region TEXT NOT NULL, version BIGINT NOT NULL, version_vector TEXT NOT NULL, last_modified_at BIGINT NOT NULL, last_modified_by TEXT NOT NULL, deleted SMALLINT NOT NULL DEFAULT 0, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS options_positions (id TEXT COLLATE "C" NOT NULL PRIMARY KEY, portfolio_id TEXT, home_region TEXT NOT NULL, version BIGINT NOT NULL, version_vector TEXT NOT NULL, last_modified_at BIGINT NOT NULL, last_modified_by TEXT NOT NULL, deleted SMALLINT NOT NULL DEFAULT 0, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS strategies (id TEXT COLLATE "C" NOT NULL PRIMARY KEY, portfolio_id TEXT, home_region TEXT NOT NULL, version BIGINT NOT NULL, version_vector TEXT NOT NULL, last_modified_at BIGINT NOT NULL, last_modified_by TEXT NOT NULL, deleted SMALLINT NOT NULL DEFAULT 0, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS funding_payments (id TEXT COLLATE "C" NOT NULL PRIMARY KEY, portfolio_id TEXT, home_region TEXT NOT NULL, version BIGINT NOT NULL, version_vector TEXT NOT NULL, last_modified_at BIGINT NOT NULL, last_modified_by TEXT NOT NULL, deleted SMALLINT NOT NULL DEFAULT 0, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS liquidations (id TEXT COLLATE "C" NOT NULL PRIMARY KEY, portfolio_id TEXT, home_region TEXT NOT NULL, version BIGINT NOT NULL, version_vector TEXT NOT NULL, last_modified_at BIGINT NOT NULL, last_modified_by TEXT NOT NULL, deleted SMALLINT NOT NULL DEFAULT 0, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS margin_history (id TEXT COLLATE "C" NOT NULL PRIMARY KEY, portfolio_id TEXT, home_region TEXT NOT NULL, version BIGINT NOT NULL, version_vector TEXT NOT NULL, last_modified_at BIGINT NOT NULL, last_modified_by TEXT NOT NULL, deleted SMALLINT NOT NULL DEFAULT 0, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS portfolio_snapshots (id TEXT COLLATE "C" NOT NULL PRIMARY KEY, portfolio_id TEXT, home_region TEXT NOT NULL, version BIGINT NOT NULL, version_vector TEXT NOT NULL, last_modified_at BIGINT NOT NULL, last_modified_by TEXT NOT NULL, deleted SMALLINT NOT NULL DEFAULT 0, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS profiles (id TEXT COLLATE "C" NOT NULL PRIMARY KEY, portfolio_id TEXT, home_region TEXT NOT NULL, version BIGINT NOT NULL, version_vector TEXT NOT NULL, last_modified_at BIGINT NOT NULL, last_modified_by TEXT NOT NULL, deleted SMALLINT NOT NULL DEFAULT 0, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS insurance_fund (id TEXT COLLATE "C" NOT NULL PRIMARY KEY, portfolio_id TEXT, home_region TEXT NOT NULL, version BIGINT NOT NULL, version_vector TEXT NOT NULL, last_modified_at BIGINT NOT NULL, last_modified_by TEXT NOT NULL, deleted SMALLINT NOT NULL DEFAULT 0, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS prediction_history (id TEXT COLLATE "C" NOT NULL PRIMARY KEY, portfolio_id TEXT, home_region TEXT NOT NULL, version BIGINT NOT NULL, version_vector TEXT NOT NULL, last_modified_at BIGINT NOT NULL, last_modified_by TEXT NOT NULL, deleted SMALLINT NOT NULL DEFAULT 0, payload TEXT NOT NULL);

CREATE INDEX IF NOT EXISTS ix_orders_portfolio ON orders (portfolio_id);
CREATE INDEX IF NOT EXISTS ix_positions_portfolio ON positions (portfolio_id);
CREATE INDEX IF NOT EXISTS ix_trades_portfolio ON trades (portfolio_id);
