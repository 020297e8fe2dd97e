-- The audit log as a keyed hash chain, MySQL/MariaDB dialect: the same as
-- schema/sql/sqlite/0009_audit_chain.sql (keep the two in step; the comments there explain it).
-- No triggers: the chain needs none, and TiDB has none.

DROP TRIGGER IF EXISTS audit_log_no_update;
DROP TRIGGER IF EXISTS audit_log_no_delete;

CREATE TABLE audit_chain (
  name VARCHAR(16) NOT NULL PRIMARY KEY,
  seq BIGINT NOT NULL,
  mac VARCHAR(64) NOT NULL,
  seal VARCHAR(64)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO audit_chain (name, seq, mac, seal) VALUES ('head', 0, '', NULL);
INSERT INTO audit_chain (name, seq, mac, seal) VALUES ('anchor', 0, '', NULL);

ALTER TABLE audit_log ADD COLUMN seq BIGINT NULL, ADD COLUMN mac VARCHAR(64) NULL;
CREATE UNIQUE INDEX audit_log_seq ON audit_log(seq);
