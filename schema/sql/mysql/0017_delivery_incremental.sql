-- Incremental deliveries, MySQL/MariaDB dialect: the same as
-- schema/sql/sqlite/0017_delivery_incremental.sql (keep the two in step).

CREATE TABLE register_change (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  entity VARCHAR(32) NOT NULL,
  entity_id BIGINT NOT NULL,
  changed_at VARCHAR(32) NOT NULL,
  KEY register_change_at (changed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX membership_from ON membership(entity, valid_from);

ALTER TABLE delivery_state ADD COLUMN row_id BIGINT NOT NULL DEFAULT 0;
CREATE INDEX delivery_state_row ON delivery_state(delivery, row_id);

CREATE TABLE delivery_basis (
  delivery VARCHAR(200) NOT NULL PRIMARY KEY,
  fingerprint CHAR(64) NOT NULL,
  changes_from VARCHAR(32) NOT NULL,
  full_at BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
