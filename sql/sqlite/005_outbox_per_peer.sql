-- 005_outbox_per_peer: who still needs an outbox row is a row per peer in sync_pending, not a column per region
-- in sync_queue, so a deployment may have any set of regions. "Next batch for peer X" is a range scan of
-- ix_sync_pending_next (peer, priority, seq) however far behind another peer is; an ack deletes by the primary
-- key (peer, seq), and ix_sync_pending_seq finds the outbox rows no peer needs any more.
-- The first release's three pending columns (pending_osaka, pending_seoul, pending_nyc: its only regions) move
-- here and go, with their partial indexes.
CREATE TABLE IF NOT EXISTS sync_pending (
    peer TEXT NOT NULL,
    seq INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    PRIMARY KEY (peer, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_sync_pending_next ON sync_pending (peer, priority, seq);
CREATE INDEX IF NOT EXISTS ix_sync_pending_seq ON sync_pending (seq);
INSERT INTO sync_pending (peer, seq, priority) SELECT 'osaka', seq, priority FROM sync_queue WHERE pending_osaka = 1;
INSERT INTO sync_pending (peer, seq, priority) SELECT 'seoul', seq, priority FROM sync_queue WHERE pending_seoul = 1;
INSERT INTO sync_pending (peer, seq, priority) SELECT 'nyc', seq, priority FROM sync_queue WHERE pending_nyc = 1;
DROP INDEX IF EXISTS ix_sync_queue_osaka;
DROP INDEX IF EXISTS ix_sync_queue_seoul;
DROP INDEX IF EXISTS ix_sync_queue_nyc;
ALTER TABLE sync_queue DROP COLUMN pending_osaka;
ALTER TABLE sync_queue DROP COLUMN pending_seoul;
ALTER TABLE sync_queue DROP COLUMN pending_nyc;
