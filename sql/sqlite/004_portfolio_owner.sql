-- 004_portfolio_owner: a portfolio row carries its owner (from the payload, set by every write) so the per-user
-- portfolio quota (Haunt:Trading:MaxPortfoliosPerUser) counts a user's portfolios by index. Rows from before fill
-- from their payload here; one that is not valid JSON has no owner, as it would get from a write.
ALTER TABLE portfolios ADD COLUMN owner TEXT;
UPDATE portfolios SET owner = json_extract(payload, '$.owner') WHERE deleted = 0 AND json_valid(payload);
CREATE INDEX IF NOT EXISTS ix_portfolios_owner ON portfolios (owner);
