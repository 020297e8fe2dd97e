-- Compact provenance and history, MySQL/MariaDB dialect: the same change as
-- schema/sql/sqlite/0019_compact_provenance.sql (keep the two in step; the layout and the
-- conversion are described there). InnoDB keeps provenance clustered on its primary key already.

ALTER TABLE provenance ADD COLUMN seq INT NOT NULL DEFAULT 0;
ALTER TABLE value_history ADD COLUMN seq INT NOT NULL DEFAULT 0,
  ADD COLUMN was_current TINYINT NOT NULL DEFAULT 0;

CREATE TABLE migrate_0019_copy (
  entity VARCHAR(32) NOT NULL,
  entity_id BIGINT NOT NULL,
  field VARCHAR(64) NOT NULL,
  history_id BIGINT NOT NULL,
  PRIMARY KEY (entity, entity_id, field),
  UNIQUE KEY migrate_0019_copy_history (history_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO migrate_0019_copy (entity, entity_id, field, history_id)
  SELECT entity, entity_id, field, MAX(id) FROM value_history GROUP BY entity, entity_id, field;
DELETE FROM migrate_0019_copy WHERE NOT EXISTS (
  SELECT 1 FROM provenance p JOIN value_history h ON h.id = migrate_0019_copy.history_id
  WHERE p.entity = migrate_0019_copy.entity AND p.entity_id = migrate_0019_copy.entity_id
    AND p.field = migrate_0019_copy.field
    AND (h.value <=> p.value OR (h.value LIKE 'enc1:%' AND p.value LIKE 'enc1:%'))
    AND h.source = p.source AND h.source_record_id <=> p.source_record_id AND h.actor <=> p.actor
    AND h.observed_at = p.observed_at AND h.pinned = p.pinned);

UPDATE provenance p JOIN migrate_0019_copy c
    ON c.entity = p.entity AND c.entity_id = p.entity_id AND c.field = p.field
  SET p.seq = 1;
DELETE h FROM value_history h JOIN migrate_0019_copy c ON c.history_id = h.id;
DROP TABLE migrate_0019_copy;
