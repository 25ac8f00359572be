-- 009_stamp_sums: every table's stamp sums (007) kept per fine bucket (id_hash % 1024) as rows change, by triggers in
-- the row's own transaction, so that a digest or a round's bucket sums read at most 1024 rows per type instead of every
-- index entry (a convergence read at 1,000,000 entities per region summed 1,000,000 entries per type). Any bucket
-- count that divides 1024 is read from here (the default 64 does). A row without its hashes yet (before 007's check)
-- counts once they are set. Hand edits go through the triggers too.
CREATE TABLE IF NOT EXISTS stamp_sums (entity_type INTEGER NOT NULL, bucket INTEGER NOT NULL, rows BIGINT NOT NULL, live BIGINT NOT NULL, low BIGINT NOT NULL, high BIGINT NOT NULL, PRIMARY KEY (entity_type, bucket));
CREATE OR REPLACE FUNCTION haunt_stamp_sums() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.stamp_hash IS NOT NULL THEN
    INSERT INTO stamp_sums AS s (entity_type, bucket, rows, live, low, high) VALUES (TG_ARGV[0]::int, OLD.id_hash % 1024, -1, -(1 - OLD.deleted), -(OLD.stamp_hash & 2147483647), -(OLD.stamp_hash >> 31)) ON CONFLICT (entity_type, bucket) DO UPDATE SET rows = s.rows + EXCLUDED.rows, live = s.live + EXCLUDED.live, low = s.low + EXCLUDED.low, high = s.high + EXCLUDED.high;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.stamp_hash IS NOT NULL THEN
    INSERT INTO stamp_sums AS s (entity_type, bucket, rows, live, low, high) VALUES (TG_ARGV[0]::int, NEW.id_hash % 1024, 1, (1 - NEW.deleted), (NEW.stamp_hash & 2147483647), (NEW.stamp_hash >> 31)) ON CONFLICT (entity_type, bucket) DO UPDATE SET rows = s.rows + EXCLUDED.rows, live = s.live + EXCLUDED.live, low = s.low + EXCLUDED.low, high = s.high + EXCLUDED.high;
  END IF;
  RETURN NULL;
END;
$$;
INSERT INTO stamp_sums (entity_type, bucket, rows, live, low, high) SELECT 1, id_hash % 1024, COUNT(*), SUM(1 - deleted), SUM(stamp_hash & 2147483647), SUM(stamp_hash >> 31) FROM portfolios WHERE stamp_hash IS NOT NULL GROUP BY id_hash % 1024;
CREATE TRIGGER tr_portfolios_sums AFTER INSERT OR DELETE OR UPDATE OF id_hash, stamp_hash, deleted ON portfolios FOR EACH ROW EXECUTE FUNCTION haunt_stamp_sums('1');
INSERT INTO stamp_sums (entity_type, bucket, rows, live, low, high) SELECT 2, id_hash % 1024, COUNT(*), SUM(1 - deleted), SUM(stamp_hash & 2147483647), SUM(stamp_hash >> 31) FROM orders WHERE stamp_hash IS NOT NULL GROUP BY id_hash % 1024;
CREATE TRIGGER tr_orders_sums AFTER INSERT OR DELETE OR UPDATE OF id_hash, stamp_hash, deleted ON orders FOR EACH ROW EXECUTE FUNCTION haunt_stamp_sums('2');
INSERT INTO stamp_sums (entity_type, bucket, rows, live, low, high) SELECT 3, id_hash % 1024, COUNT(*), SUM(1 - deleted), SUM(stamp_hash & 2147483647), SUM(stamp_hash >> 31) FROM positions WHERE stamp_hash IS NOT NULL GROUP BY id_hash % 1024;
CREATE TRIGGER tr_positions_sums AFTER INSERT OR DELETE OR UPDATE OF id_hash, stamp_hash, deleted ON positions FOR EACH ROW EXECUTE FUNCTION haunt_stamp_sums('3');
INSERT INTO stamp_sums (entity_type, bucket, rows, live, low, high) SELECT 4, id_hash % 1024, COUNT(*), SUM(1 - deleted), SUM(stamp_hash & 2147483647), SUM(stamp_hash >> 31) FROM trades WHERE stamp_hash IS NOT NULL GROUP BY id_hash % 1024;
CREATE TRIGGER tr_trades_sums AFTER INSERT OR DELETE OR UPDATE OF id_hash, stamp_hash, deleted ON trades FOR EACH ROW EXECUTE FUNCTION haunt_stamp_sums('4');
INSERT INTO stamp_sums (entity_type, bucket, rows, live, low, high) SELECT 5, id_hash % 1024, COUNT(*), SUM(1 - deleted), SUM(stamp_hash & 2147483647), SUM(stamp_hash >> 31) FROM options_positions WHERE stamp_hash IS NOT NULL GROUP BY id_hash % 1024;
CREATE TRIGGER tr_options_positions_sums AFTER INSERT OR DELETE OR UPDATE OF id_hash, stamp_hash, deleted ON options_positions FOR EACH ROW EXECUTE FUNCTION haunt_stamp_sums('5');
INSERT INTO stamp_sums (entity_type, bucket, rows, live, low, high) SELECT 6, id_hash % 1024, COUNT(*), SUM(1 - deleted), SUM(stamp_hash & 2147483647), SUM(stamp_hash >> 31) FROM strategies WHERE stamp_hash IS NOT NULL GROUP BY id_hash % 1024;
CREATE TRIGGER tr_strategies_sums AFTER INSERT OR DELETE OR UPDATE OF id_hash, stamp_hash, deleted ON strategies FOR EACH ROW EXECUTE FUNCTION haunt_stamp_sums('6');
INSERT INTO stamp_sums (entity_type, bucket, rows, live, low, high) SELECT 7, id_hash % 1024, COUNT(*), SUM(1 - deleted), SUM(stamp_hash & 2147483647), SUM(stamp_hash >> 31) FROM funding_payments WHERE stamp_hash IS NOT NULL GROUP BY id_hash % 1024;
CREATE TRIGGER tr_funding_payments_sums AFTER INSERT OR DELETE OR UPDATE OF id_hash, stamp_hash, deleted ON funding_payments FOR EACH ROW EXECUTE FUNCTION haunt_stamp_sums('7');
INSERT INTO stamp_sums (entity_type, bucket, rows, live, low, high) SELECT 8, id_hash % 1024, COUNT(*), SUM(1 - deleted), SUM(stamp_hash & 2147483647), SUM(stamp_hash >> 31) FROM liquidations WHERE stamp_hash IS NOT NULL GROUP BY id_hash % 1024;
CREATE TRIGGER tr_liquidations_sums AFTER INSERT OR DELETE OR UPDATE OF id_hash, stamp_hash, deleted ON liquidations FOR EACH ROW EXECUTE FUNCTION haunt_stamp_sums('8');
INSERT INTO stamp_sums (entity_type, bucket, rows, live, low, high) SELECT 9, id_hash % 1024, COUNT(*), SUM(1 - deleted), SUM(stamp_hash & 2147483647), SUM(stamp_hash >> 31) FROM margin_history WHERE stamp_hash IS NOT NULL GROUP BY id_hash % 1024;
CREATE TRIGGER tr_margin_history_sums AFTER INSERT OR DELETE OR UPDATE OF id_hash, stamp_hash, deleted ON margin_history FOR EACH ROW EXECUTE FUNCTION haunt_stamp_sums('9');
INSERT INTO stamp_sums (entity_type, bucket, rows, live, low, high) SELECT 10, id_hash % 1024, COUNT(*), SUM(1 - deleted), SUM(stamp_hash & 2147483647), SUM(stamp_hash >> 31) FROM portfolio_snapshots WHERE stamp_hash IS NOT NULL GROUP BY id_hash % 1024;
CREATE TRIGGER tr_portfolio_snapshots_sums AFTER INSERT OR DELETE OR UPDATE OF id_hash, stamp_hash, deleted ON portfolio_snapshots FOR EACH ROW EXECUTE FUNCTION haunt_stamp_sums('10');
INSERT INTO stamp_sums (entity_type, bucket, rows, live, low, high) SELECT 11, id_hash % 1024, COUNT(*), SUM(1 - deleted), SUM(stamp_hash & 2147483647), SUM(stamp_hash >> 31) FROM profiles WHERE stamp_hash IS NOT NULL GROUP BY id_hash % 1024;
CREATE TRIGGER tr_profiles_sums AFTER INSERT OR DELETE OR UPDATE OF id_hash, stamp_hash, deleted ON profiles FOR EACH ROW EXECUTE FUNCTION haunt_stamp_sums('11');
INSERT INTO stamp_sums (entity_type, bucket, rows, live, low, high) SELECT 12, id_hash % 1024, COUNT(*), SUM(1 - deleted), SUM(stamp_hash & 2147483647), SUM(stamp_hash >> 31) FROM insurance_fund WHERE stamp_hash IS NOT NULL GROUP BY id_hash % 1024;
CREATE TRIGGER tr_insurance_fund_sums AFTER INSERT OR DELETE OR UPDATE OF id_hash, stamp_hash, deleted ON insurance_fund FOR EACH ROW EXECUTE FUNCTION haunt_stamp_sums('12');
INSERT INTO stamp_sums (entity_type, bucket, rows, live, low, high) SELECT 13, id_hash % 1024, COUNT(*), SUM(1 - deleted), SUM(stamp_hash & 2147483647), SUM(stamp_hash >> 31) FROM prediction_history WHERE stamp_hash IS NOT NULL GROUP BY id_hash % 1024;
CREATE TRIGGER tr_prediction_history_sums AFTER INSERT OR DELETE OR UPDATE OF id_hash, stamp_hash, deleted ON prediction_history FOR EACH ROW EXECUTE FUNCTION haunt_stamp_sums('13');
