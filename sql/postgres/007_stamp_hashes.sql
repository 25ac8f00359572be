-- 007_stamp_hashes: every entity row carries the FNV-1a hash of its id (its anti-entropy bucket is id_hash modulo the
-- bucket count) and 62 bits of SHA-256 over (id, vector, tombstone flag), both computed by the writer (StampHash).
-- A bucket's digest is then COUNT and SUMs over the covering index below, not every row read, parsed and hashed by
-- the silo: operators' convergence reads and reconciliation rounds used to scan and hash every row. Rows from before
-- get their hashes when the store opens (SqlRegionalStore.CheckStampsAsync).
ALTER TABLE portfolios ADD COLUMN IF NOT EXISTS id_hash BIGINT, ADD COLUMN IF NOT EXISTS stamp_hash BIGINT;
CREATE INDEX IF NOT EXISTS ix_portfolios_stamps ON portfolios (id_hash, stamp_hash, deleted);
ALTER TABLE orders ADD COLUMN IF NOT EXISTS id_hash BIGINT, ADD COLUMN IF NOT EXISTS stamp_hash BIGINT;
CREATE INDEX IF NOT EXISTS ix_orders_stamps ON orders (id_hash, stamp_hash, deleted);
ALTER TABLE positions ADD COLUMN IF NOT EXISTS id_hash BIGINT, ADD COLUMN IF NOT EXISTS stamp_hash BIGINT;
CREATE INDEX IF NOT EXISTS ix_positions_stamps ON positions (id_hash, stamp_hash, deleted);
ALTER TABLE trades ADD COLUMN IF NOT EXISTS id_hash BIGINT, ADD COLUMN IF NOT EXISTS stamp_hash BIGINT;
CREATE INDEX IF NOT EXISTS ix_trades_stamps ON trades (id_hash, stamp_hash, deleted);
ALTER TABLE options_positions ADD COLUMN IF NOT EXISTS id_hash BIGINT, ADD COLUMN IF NOT EXISTS stamp_hash BIGINT;
CREATE INDEX IF NOT EXISTS ix_options_positions_stamps ON options_positions (id_hash, stamp_hash, deleted);
ALTER TABLE strategies ADD COLUMN IF NOT EXISTS id_hash BIGINT, ADD COLUMN IF NOT EXISTS stamp_hash BIGINT;
CREATE INDEX IF NOT EXISTS ix_strategies_stamps ON strategies (id_hash, stamp_hash, deleted);
ALTER TABLE funding_payments ADD COLUMN IF NOT EXISTS id_hash BIGINT, ADD COLUMN IF NOT EXISTS stamp_hash BIGINT;
CREATE INDEX IF NOT EXISTS ix_funding_payments_stamps ON funding_payments (id_hash, stamp_hash, deleted);
ALTER TABLE liquidations ADD COLUMN IF NOT EXISTS id_hash BIGINT, ADD COLUMN IF NOT EXISTS stamp_hash BIGINT;
CREATE INDEX IF NOT EXISTS ix_liquidations_stamps ON liquidations (id_hash, stamp_hash, deleted);
ALTER TABLE margin_history ADD COLUMN IF NOT EXISTS id_hash BIGINT, ADD COLUMN IF NOT EXISTS stamp_hash BIGINT;
CREATE INDEX IF NOT EXISTS ix_margin_history_stamps ON margin_history (id_hash, stamp_hash, deleted);
ALTER TABLE portfolio_snapshots ADD COLUMN IF NOT EXISTS id_hash BIGINT, ADD COLUMN IF NOT EXISTS stamp_hash BIGINT;
CREATE INDEX IF NOT EXISTS ix_portfolio_snapshots_stamps ON portfolio_snapshots (id_hash, stamp_hash, deleted);
ALTER TABLE profiles ADD COLUMN IF NOT EXISTS id_hash BIGINT, ADD COLUMN IF NOT EXISTS stamp_hash BIGINT;
CREATE INDEX IF NOT EXISTS ix_profiles_stamps ON profiles (id_hash, stamp_hash, deleted);
ALTER TABLE insurance_fund ADD COLUMN IF NOT EXISTS id_hash BIGINT, ADD COLUMN IF NOT EXISTS stamp_hash BIGINT;
CREATE INDEX IF NOT EXISTS ix_insurance_fund_stamps ON insurance_fund (id_hash, stamp_hash, deleted);
ALTER TABLE prediction_history ADD COLUMN IF NOT EXISTS id_hash BIGINT, ADD COLUMN IF NOT EXISTS stamp_hash BIGINT;
CREATE INDEX IF NOT EXISTS ix_prediction_history_stamps ON prediction_history (id_hash, stamp_hash, deleted);
