-- Table requests, MySQL/MariaDB dialect: the same table as schema/sql/sqlite/0013_table_requests.sql
-- (keep the two in step). InnoDB, utf8mb4_bin as in 0001; indexed text is VARCHAR.

CREATE TABLE table_request (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  requester_id BIGINT NOT NULL,
  requester VARCHAR(100) NOT NULL,
  status VARCHAR(20) NOT NULL,
  title VARCHAR(400) NOT NULL,
  purpose TEXT NOT NULL,
  legal_basis TEXT NOT NULL,
  as_of_rule VARCHAR(100) NOT NULL,
  scope_wanted TEXT NOT NULL,
  frequency VARCHAR(20) NOT NULL,
  contact TEXT NOT NULL,
  template_name VARCHAR(400) NOT NULL,
  template_size BIGINT NOT NULL,
  template_sha256 VARCHAR(64) NOT NULL,
  draft_yaml MEDIUMTEXT NOT NULL,
  mapping_id VARCHAR(200) NOT NULL,
  data_rows BIGINT NOT NULL DEFAULT 0,
  cells BIGINT NOT NULL DEFAULT 0,
  register_cells BIGINT NOT NULL DEFAULT 0,
  approved_columns TEXT NOT NULL,
  reviewer VARCHAR(100) NOT NULL,
  reason TEXT NOT NULL,
  created_at VARCHAR(20) NOT NULL,
  updated_at VARCHAR(20) NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  FOREIGN KEY (requester_id) REFERENCES app_user(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX table_request_requester ON table_request(requester_id, id);
