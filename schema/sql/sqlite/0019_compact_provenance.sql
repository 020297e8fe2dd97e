-- Compact provenance and history (issue 13): a value is kept in the field's history only once it
-- is replaced or loses, not when first observed. The current observation lives in provenance
-- alone, and RegisterStore::History reads it back as the field's last entry.
-- Keep in step with schema/sql/mysql/0019_compact_provenance.sql.
--
-- The order of a field's history: value_history.seq groups the observations by the reign of one
-- golden value — `seq` of the value that was current (was_current = 1, first in its group), then
-- the values that lost against it (was_current = 0) in id order. provenance.seq is the group of
-- the current value; 0 means its copy is still a value_history row (stores written before this
-- migration, see below), so History does not read it twice.
--
-- Conversion of a store written before: its history holds every observation, the current one
-- included. Where the current value's copy is the field's last history row (nothing lost against
-- it since), that copy is dropped and provenance gets seq 1, after every older row (all seq 0, so
-- in id order as before). Where values lost against it later, the copy stays (seq 0). An SM4
-- envelope is never equal to another one of the same value, so two envelopes count as the same
-- value when the rest of the observation (source, record, actor, time, pinned) is the same.

CREATE TABLE provenance_0019 (
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  field TEXT NOT NULL,
  value TEXT,
  source TEXT NOT NULL,
  source_record_id INTEGER,
  actor TEXT,
  observed_at TEXT NOT NULL,
  pinned INTEGER NOT NULL DEFAULT 0,
  seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (entity, entity_id, field)
) WITHOUT ROWID;

ALTER TABLE value_history ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE value_history ADD COLUMN was_current INTEGER NOT NULL DEFAULT 0;

CREATE TABLE migrate_0019_copy (
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  field TEXT NOT NULL,
  history_id INTEGER NOT NULL,
  PRIMARY KEY (entity, entity_id, field)
);
INSERT INTO migrate_0019_copy (entity, entity_id, field, history_id)
  SELECT entity, entity_id, field, MAX(id) FROM value_history GROUP BY entity, entity_id, field;
DELETE FROM migrate_0019_copy WHERE NOT EXISTS (
  SELECT 1 FROM provenance p JOIN value_history h ON h.id = migrate_0019_copy.history_id
  WHERE p.entity = migrate_0019_copy.entity AND p.entity_id = migrate_0019_copy.entity_id
    AND p.field = migrate_0019_copy.field
    AND (h.value IS p.value OR (h.value LIKE 'enc1:%' AND p.value LIKE 'enc1:%'))
    AND h.source = p.source AND h.source_record_id IS p.source_record_id AND h.actor IS p.actor
    AND h.observed_at = p.observed_at AND h.pinned = p.pinned);

INSERT INTO provenance_0019 (entity, entity_id, field, value, source, source_record_id, actor,
                             observed_at, pinned, seq)
  SELECT p.entity, p.entity_id, p.field, p.value, p.source, p.source_record_id, p.actor,
         p.observed_at, p.pinned,
         CASE WHEN EXISTS (SELECT 1 FROM migrate_0019_copy c WHERE c.entity = p.entity AND
                           c.entity_id = p.entity_id AND c.field = p.field) THEN 1 ELSE 0 END
  FROM provenance p;
DELETE FROM value_history WHERE id IN (SELECT history_id FROM migrate_0019_copy);
DROP TABLE migrate_0019_copy;
DROP TABLE provenance;
ALTER TABLE provenance_0019 RENAME TO provenance;
