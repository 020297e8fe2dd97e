-- The register as of a date, MySQL/MariaDB dialect: the same table as
-- schema/sql/sqlite/0012_register_history.sql (keep the two in step). InnoDB, utf8mb4_bin as in 0001.

CREATE TABLE field_change (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  entity VARCHAR(32) NOT NULL,
  entity_id BIGINT NOT NULL,
  field VARCHAR(64) NOT NULL,
  old_value TEXT,
  replaced_at VARCHAR(32) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX field_change_field_at ON field_change(entity, field, replaced_at);
CREATE INDEX field_change_at ON field_change(entity, replaced_at);
CREATE INDEX field_change_row ON field_change(entity, entity_id);

CREATE INDEX membership_parent ON membership(entity, parent_id);
CREATE INDEX membership_closed ON membership(entity, valid_to);
