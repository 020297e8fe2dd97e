-- Deliveries, MySQL/MariaDB dialect: the same tables as schema/sql/sqlite/0011_delivery.sql
-- (keep the two in step). InnoDB, utf8mb4_bin as in 0001.

CREATE TABLE delivery_batch (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  delivery VARCHAR(200) NOT NULL,
  seq BIGINT NOT NULL,
  status VARCHAR(16) NOT NULL,
  upserts BIGINT NOT NULL DEFAULT 0,
  deletes BIGINT NOT NULL DEFAULT 0,
  attempts BIGINT NOT NULL DEFAULT 0,
  last_status TEXT NOT NULL,
  response_code INT NOT NULL DEFAULT 0,
  created_at VARCHAR(32) NOT NULL,
  acked_at VARCHAR(32),
  body LONGTEXT NOT NULL,
  state LONGTEXT NOT NULL,
  UNIQUE KEY delivery_batch_seq (delivery, seq),
  KEY delivery_batch_status (delivery, status, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE delivery_state (
  delivery VARCHAR(200) NOT NULL,
  key_hash CHAR(32) NOT NULL,
  row_hash CHAR(32) NOT NULL,
  key_text TEXT NOT NULL,
  PRIMARY KEY (delivery, key_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE delivery_control (
  delivery VARCHAR(200) NOT NULL PRIMARY KEY,
  paused INT NOT NULL DEFAULT 0,
  last_run_at BIGINT NOT NULL DEFAULT 0,
  last_success_at BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
