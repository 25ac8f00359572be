-- 004_portfolio_owner: a portfolio row carries its owner (from the payload, set by every write) so the per-user
-- portfolio quota (Haunt:Trading:MaxPortfoliosPerUser) counts a user's portfolios by index. Rows from before fill
-- from their payload here, one at a time so that one that is not valid JSON stays without an owner (as it would
-- get from a write) instead of failing the migration.
ALTER TABLE portfolios ADD COLUMN IF NOT EXISTS owner TEXT;
DO $$
DECLARE row_id TEXT;
BEGIN
    FOR row_id IN SELECT id FROM portfolios WHERE deleted = 0 AND owner IS NULL LOOP
        BEGIN
            UPDATE portfolios SET owner = payload::jsonb ->> 'owner' WHERE id = row_id;
        EXCEPTION WHEN invalid_text_representation THEN
            NULL;
        END;
    END LOOP;
END $$;
CREATE INDEX IF NOT EXISTS ix_portfolios_owner ON portfolios (owner);
