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
INSERT INTO migrate_0019_copy (history_id, entity, entity_id, field)
  SELECT h.id, p.entity, p.entity_id, p.field FROM provenance p JOIN value_history h ON h.id = (
      SELECT MAX(m.id) FROM value_history m
      WHERE m.entity = p.entity AND m.entity_id = p.entity_id AND m.field = p.field)
  WHERE (h.value <=> p.value OR (h.value LIKE 'enc1:%' AND p.value LIKE 'enc1:%')) AND h.source = p.source AND h.source_record_id <=> p.source_record_id
    AND h.actor <=> p.actor AND h.observed_at = p.observed_at AND h.pinned = p.pinned;

UPDATE provenance p JOIN migrate_0019_copy c
    ON c.entity = p.entity AND c.entity_id = p.entity_id AND c.field = p.field
  SET p.seq = 1;
DELETE h FROM value_history h JOIN migrate_0019_copy c ON c.history_id = h.id;
DROP TABLE migrate_0019_copy;
