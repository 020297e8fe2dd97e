-- The register, MySQL/MariaDB dialect: the same tables, columns, keys and indexes as
-- schema/sql/sqlite/0001_register.sql (keep the two in step).
-- Every table is InnoDB, utf8mb4 with utf8mb4_bin: the general and unicode (UCA 4.0) collations
-- give every character outside the BMP the same weight, so 张𠈌 = 张𡒄 and unique keys collide;
-- binary collation compares code points, as SQLite's BINARY does, so both stores agree on
-- equality, uniqueness and ORDER BY.
-- Dates are VARCHAR(10) 'YYYY-MM-DD' and times VARCHAR(32) strings, never DATE/DATETIME, so both
-- dialects hand back the same strings. Indexed text is VARCHAR (InnoDB keys are at most 3072
-- bytes, 4 per character); free text is TEXT. Foreign keys are table constraints because MySQL
-- ignores a column-level REFERENCES.

CREATE TABLE district (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  parent_id BIGINT,
  version BIGINT NOT NULL DEFAULT 1,
  status VARCHAR(16) NOT NULL DEFAULT 'active',
  code VARCHAR(32) NOT NULL UNIQUE,
  name VARCHAR(100) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE street (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  parent_id BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  status VARCHAR(16) NOT NULL DEFAULT 'active',
  code VARCHAR(32) NOT NULL UNIQUE,
  name VARCHAR(100) NOT NULL,
  FOREIGN KEY (parent_id) REFERENCES district(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX street_parent ON street(parent_id);

CREATE TABLE community (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  parent_id BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  status VARCHAR(16) NOT NULL DEFAULT 'active',
  code VARCHAR(32) NOT NULL UNIQUE,
  name VARCHAR(100) NOT NULL,
  vintage BIGINT,
  urban_rural_class VARCHAR(32),
  FOREIGN KEY (parent_id) REFERENCES street(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX community_parent ON community(parent_id);

CREATE TABLE grid (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  parent_id BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  status VARCHAR(16) NOT NULL DEFAULT 'active',
  code VARCHAR(32) NOT NULL,
  name VARCHAR(100) NOT NULL,
  worker_name VARCHAR(100),
  worker_phone VARCHAR(32),
  UNIQUE (parent_id, code),
  FOREIGN KEY (parent_id) REFERENCES community(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE building (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  parent_id BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  status VARCHAR(16) NOT NULL DEFAULT 'active',
  building_code VARCHAR(100),
  name VARCHAR(100),
  address VARCHAR(500),
  FOREIGN KEY (parent_id) REFERENCES grid(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX building_parent ON building(parent_id);
CREATE INDEX building_address ON building(address);
CREATE INDEX building_code_idx ON building(building_code);

CREATE TABLE household (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  parent_id BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  status VARCHAR(16) NOT NULL DEFAULT 'active',
  household_number VARCHAR(64),
  household_type VARCHAR(32),
  head_person_id BIGINT,
  address VARCHAR(500),
  room VARCHAR(64),
  house_code VARCHAR(100),
  property_unit_code VARCHAR(64),
  house_use VARCHAR(50),
  property_type VARCHAR(50),
  floor_area DOUBLE,
  room_count BIGINT,
  landlord_name VARCHAR(100),
  landlord_id_number VARCHAR(32),
  landlord_phone VARCHAR(32),
  FOREIGN KEY (parent_id) REFERENCES building(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX household_parent ON household(parent_id);
CREATE INDEX household_number_idx ON household(household_number);
CREATE INDEX household_address ON household(address);

CREATE TABLE person (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  parent_id BIGINT,
  version BIGINT NOT NULL DEFAULT 1,
  status VARCHAR(16) NOT NULL DEFAULT 'active',
  id_number VARCHAR(18) UNIQUE,
  name VARCHAR(100) NOT NULL,
  former_name VARCHAR(100),
  id_doc_type VARCHAR(32),
  id_doc_number VARCHAR(64),
  gender VARCHAR(32),
  birth_date VARCHAR(10),
  ethnicity VARCHAR(32),
  birthplace TEXT,
  native_place TEXT,
  education VARCHAR(32),
  marital_status VARCHAR(32),
  political_status VARCHAR(32),
  religion VARCHAR(50),
  military_service VARCHAR(50),
  occupation VARCHAR(100),
  employer TEXT,
  phone VARCHAR(32),
  hukou_address TEXT,
  hukou_division VARCHAR(32),
  current_address TEXT,
  address_code VARCHAR(100),
  population_type VARCHAR(32),
  separated TINYINT,
  residence_status VARCHAR(32),
  health_status VARCHAR(32),
  death_date VARCHAR(10),
  relationship VARCHAR(32),
  residence_type VARCHAR(32),
  owner_relationship VARCHAR(50),
  move_in_date VARCHAR(10),
  move_out_date VARCHAR(10),
  hukou_nature VARCHAR(32),
  FOREIGN KEY (parent_id) REFERENCES household(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX person_parent ON person(parent_id);
CREATE INDEX person_name ON person(name);
CREATE INDEX person_phone ON person(phone);
CREATE INDEX person_birth_date ON person(birth_date);

-- One row per stay of a person in a household (with relationship), a household in a building,
-- a building in a grid. valid_to is NULL while current.
CREATE TABLE membership (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  entity VARCHAR(32) NOT NULL,
  entity_id BIGINT NOT NULL,
  parent_id BIGINT,
  relationship VARCHAR(32),
  valid_from VARCHAR(32) NOT NULL,
  valid_to VARCHAR(32),
  actor VARCHAR(100)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX membership_entity ON membership(entity, entity_id);

-- A merged person's id keeps pointing at the survivor.
CREATE TABLE person_alias (
  alias_id BIGINT NOT NULL PRIMARY KEY,
  person_id BIGINT NOT NULL,
  merged_at VARCHAR(32) NOT NULL,
  FOREIGN KEY (person_id) REFERENCES person(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE tag_assignment (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  person_id BIGINT NOT NULL,
  tag VARCHAR(64) NOT NULL,
  attrs TEXT NOT NULL,
  valid_from VARCHAR(32),
  valid_to VARCHAR(32),
  source VARCHAR(100) NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  FOREIGN KEY (person_id) REFERENCES person(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX tag_assignment_person ON tag_assignment(person_id);
CREATE INDEX tag_assignment_tag ON tag_assignment(tag);

-- The current provenance of each golden value, and every observation ever made of it.
CREATE TABLE provenance (
  entity VARCHAR(32) NOT NULL,
  entity_id BIGINT NOT NULL,
  field VARCHAR(64) NOT NULL,
  value TEXT,
  source VARCHAR(100) NOT NULL,
  source_record_id BIGINT,
  actor VARCHAR(100),
  observed_at VARCHAR(32) NOT NULL,
  pinned TINYINT NOT NULL DEFAULT 0,
  PRIMARY KEY (entity, entity_id, field)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE value_history (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  entity VARCHAR(32) NOT NULL,
  entity_id BIGINT NOT NULL,
  field VARCHAR(64) NOT NULL,
  value TEXT,
  source VARCHAR(100) NOT NULL,
  source_record_id BIGINT,
  actor VARCHAR(100),
  observed_at VARCHAR(32) NOT NULL,
  pinned TINYINT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX value_history_field ON value_history(entity, entity_id, field);

CREATE TABLE source_state (
  source VARCHAR(100) NOT NULL PRIMARY KEY,
  cursor_value TEXT,
  updated_at VARCHAR(32) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE source_record (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  source VARCHAR(100) NOT NULL,
  record_key VARCHAR(255) NOT NULL,
  content_hash VARCHAR(128) NOT NULL,
  payload MEDIUMTEXT,
  person_id BIGINT,
  fetched_at VARCHAR(32) NOT NULL,
  UNIQUE (source, record_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE review_item (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind VARCHAR(32) NOT NULL,
  status VARCHAR(16) NOT NULL,
  entity VARCHAR(32) NOT NULL,
  entity_id BIGINT NOT NULL,
  other_id BIGINT,
  field VARCHAR(64),
  detail TEXT,
  created_at VARCHAR(32) NOT NULL,
  resolved_by VARCHAR(100),
  resolution TEXT,
  resolved_at VARCHAR(32),
  version BIGINT NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX review_item_status ON review_item(status);

CREATE TABLE app_user (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL UNIQUE,
  role VARCHAR(32) NOT NULL,
  display_name VARCHAR(100),
  password_hash VARCHAR(255) NOT NULL,
  disabled TINYINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE user_scope (
  user_id BIGINT NOT NULL,
  code VARCHAR(32) NOT NULL,
  PRIMARY KEY (user_id, code),
  FOREIGN KEY (user_id) REFERENCES app_user(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE user_grant (
  user_id BIGINT NOT NULL,
  mapping_id VARCHAR(100) NOT NULL,
  PRIMARY KEY (user_id, mapping_id),
  FOREIGN KEY (user_id) REFERENCES app_user(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Append-only: the store has no update or delete for it.
CREATE TABLE audit_log (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  logged_at VARCHAR(32) NOT NULL,
  user_name VARCHAR(100),
  role VARCHAR(32),
  source_addr VARCHAR(64),
  action VARCHAR(64) NOT NULL,
  object TEXT,
  result VARCHAR(32) NOT NULL,
  request_id VARCHAR(64),
  detail TEXT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX audit_log_at ON audit_log(logged_at);
CREATE INDEX audit_log_user ON audit_log(user_name);
