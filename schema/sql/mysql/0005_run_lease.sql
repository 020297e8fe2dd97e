-- Run leases, MySQL/MariaDB dialect: the same table as schema/sql/sqlite/0005_run_lease.sql (keep
-- the two in step). InnoDB, utf8mb4_bin as in 0001.

CREATE TABLE run_lease (
  name VARCHAR(200) NOT NULL PRIMARY KEY,
  holder VARCHAR(200) NOT NULL,
  acquired_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
