-- Ingest, MySQL/MariaDB dialect: the same tables as schema/sql/sqlite/0002_ingest.sql (keep the
-- two in step). InnoDB, utf8mb4_bin as in 0001; indexed text is VARCHAR.

CREATE TABLE import_run (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  source VARCHAR(100) NOT NULL,
  title VARCHAR(200),
  connector_type VARCHAR(32) NOT NULL,
  spec_file TEXT,
  status VARCHAR(16) NOT NULL,
  started_at VARCHAR(32) NOT NULL,
  finished_at VARCHAR(32),
  read_count BIGINT NOT NULL DEFAULT 0,
  new_count BIGINT NOT NULL DEFAULT 0,
  updated_count BIGINT NOT NULL DEFAULT 0,
  unchanged_count BIGINT NOT NULL DEFAULT 0,
  linked_count BIGINT NOT NULL DEFAULT 0,
  review_count BIGINT NOT NULL DEFAULT 0,
  rejected_count BIGINT NOT NULL DEFAULT 0,
  message TEXT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX import_run_source ON import_run(source);

CREATE TABLE quarantine_row (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  run_id BIGINT NOT NULL,
  source VARCHAR(100) NOT NULL,
  location VARCHAR(500),
  row_no BIGINT NOT NULL DEFAULT 0,
  col VARCHAR(200),
  reason TEXT NOT NULL,
  raw MEDIUMTEXT,
  created_at VARCHAR(32) NOT NULL,
  FOREIGN KEY (run_id) REFERENCES import_run(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX quarantine_row_run ON quarantine_row(run_id);
CREATE INDEX quarantine_row_source ON quarantine_row(source);

CREATE TABLE ingest_source (
  source VARCHAR(100) NOT NULL PRIMARY KEY,
  title VARCHAR(200),
  connector_type VARCHAR(32) NOT NULL,
  trust INT NOT NULL,
  updated_at VARCHAR(32) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE person_distinct (
  person_a BIGINT NOT NULL,
  person_b BIGINT NOT NULL,
  actor VARCHAR(100),
  decided_at VARCHAR(32) NOT NULL,
  PRIMARY KEY (person_a, person_b)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
