-- The audit log as a keyed hash chain (audit/audit_chain.h). Each sealed record has a gap-free
-- sequence number and the HMAC of its fields and of the previous record's MAC. audit_chain holds
-- two rows: 'head' (the last sequence number and MAC; every append updates it in the same
-- transaction, so concurrent writers are serialised on this row) and 'anchor' (where the chain
-- starts after a retention purge: the last purged sequence number and its MAC). Each has its own
-- seal (HMAC), so neither can be rewound or moved without the key, which is never in the store.
-- Rows written before this migration keep seq NULL (legacy, unsealed).
-- Keep in step with schema/sql/mysql/0009_audit_chain.sql.

DROP TRIGGER IF EXISTS audit_log_no_update;
DROP TRIGGER IF EXISTS audit_log_no_delete;

ALTER TABLE audit_log ADD COLUMN seq INTEGER;
ALTER TABLE audit_log ADD COLUMN mac TEXT;
CREATE UNIQUE INDEX audit_log_seq ON audit_log(seq);

CREATE TABLE audit_chain (
  name TEXT NOT NULL PRIMARY KEY,
  seq INTEGER NOT NULL,
  mac TEXT NOT NULL,
  seal TEXT
);
INSERT INTO audit_chain (name, seq, mac, seal) VALUES ('head', 0, '', NULL);
INSERT INTO audit_chain (name, seq, mac, seal) VALUES ('anchor', 0, '', NULL);
