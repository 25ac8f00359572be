-- 003_conflict_retention: the conflict log keeps Haunt:Sync:ConflictRetention (default 7 days); the sync loop
-- deletes older rows by detection time every metrics interval, which this index keeps a range scan.
CREATE INDEX IF NOT EXISTS ix_sync_conflicts_detected ON sync_conflicts (detected_at_ms);
