-- The register as of a date: every change of a person's status or stored field keeps the value
-- it replaced and when, so a table for a past reference date reads the values as they were
-- (service/src/store/sql_store_scan.cc). Written by the store's Update and Move in the same
-- transaction as the change. Memberships already keep their history (valid_from/valid_to);
-- the indexes below let a scan find who sat in a household at a date.

CREATE TABLE field_change (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT,
  replaced_at TEXT NOT NULL
);
CREATE INDEX field_change_field_at ON field_change(entity, field, replaced_at);
CREATE INDEX field_change_at ON field_change(entity, replaced_at);
CREATE INDEX field_change_row ON field_change(entity, entity_id);

CREATE INDEX membership_parent ON membership(entity, parent_id);
CREATE INDEX membership_closed ON membership(entity, valid_to);
