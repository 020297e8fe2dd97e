-- A delivery batch's content, MySQL/MariaDB dialect: the same table as
-- schema/sql/sqlite/0021_delivery_batch_content.sql (keep the two in step). InnoDB, utf8mb4_bin
-- as in 0001.

CREATE TABLE delivery_batch_content (
  batch_id BIGINT NOT NULL PRIMARY KEY,
  body LONGTEXT NOT NULL,
  state LONGTEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
