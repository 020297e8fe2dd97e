-- Login throttling by keyed hash with growing delays, and API token expiry (issue 16),
-- MySQL/MariaDB dialect: the same as schema/sql/sqlite/0008_login_delay_token_expiry.sql (keep
-- the two in step). InnoDB, utf8mb4_bin as in 0001.
--
-- The old login_throttle kept typed account names in clear and locked names outright; it is
-- replaced, its rows dropped (see the SQLite file).
DROP TABLE login_throttle;
CREATE TABLE login_throttle (
  throttle_key VARCHAR(80) NOT NULL PRIMARY KEY,
  failures INT NOT NULL DEFAULT 0,
  last_failure_at BIGINT NOT NULL DEFAULT 0,
  next_allowed_at BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE api_token ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
UPDATE api_token SET expires_at = created_at + 31536000;
