-- Transfer requests and shared table-download progress, MySQL/MariaDB dialect: the same tables
-- as schema/sql/sqlite/0020_transfers_progress.sql (keep the two in step). InnoDB, utf8mb4_bin
-- as in 0001; indexed text is VARCHAR.

CREATE TABLE person_transfer (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  person_id BIGINT NOT NULL,
  from_grid_id BIGINT NOT NULL,
  to_household_id BIGINT NOT NULL,
  to_grid_id BIGINT NOT NULL,
  requester_id BIGINT NOT NULL,
  requester VARCHAR(100) NOT NULL,
  reason TEXT NOT NULL,
  state VARCHAR(20) NOT NULL,
  decider VARCHAR(100) NOT NULL,
  decision_reason TEXT NOT NULL,
  created_at VARCHAR(20) NOT NULL,
  decided_at VARCHAR(20) NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  KEY person_transfer_state (state, id),
  KEY person_transfer_person (person_id, state)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE table_progress (
  owner VARCHAR(100) NOT NULL,
  token VARCHAR(64) NOT NULL,
  rows_done BIGINT NOT NULL,
  started_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL,
  ended_ms BIGINT NOT NULL,
  cancelled TINYINT NOT NULL,
  PRIMARY KEY (owner, token)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
