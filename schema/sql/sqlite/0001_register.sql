-- The register: the administrative tree down to persons, with memberships, tags, provenance,
-- source records, the review queue, users and the audit log.
-- Catalog fields (schema/fields.yaml) are columns named by their key; keep the two in step
-- (tests/contract checks every stored catalog field has its column).
-- Every table that users edit has `version` for compare-and-set.

CREATE TABLE district (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_id INTEGER,
  version INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL DEFAULT 'active',
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
);

CREATE TABLE street (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_id INTEGER NOT NULL REFERENCES district(id),
  version INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL DEFAULT 'active',
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
);
CREATE INDEX street_parent ON street(parent_id);

CREATE TABLE community (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_id INTEGER NOT NULL REFERENCES street(id),
  version INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL DEFAULT 'active',
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  vintage INTEGER,
  urban_rural_class TEXT
);
CREATE INDEX community_parent ON community(parent_id);

CREATE TABLE grid (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_id INTEGER NOT NULL REFERENCES community(id),
  version INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL DEFAULT 'active',
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  worker_name TEXT,
  worker_phone TEXT,
  UNIQUE (parent_id, code)
);

CREATE TABLE building (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_id INTEGER NOT NULL REFERENCES grid(id),
  version INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL DEFAULT 'active',
  building_code TEXT,
  name TEXT,
  address TEXT
);
CREATE INDEX building_parent ON building(parent_id);
CREATE INDEX building_address ON building(address);
CREATE INDEX building_code_idx ON building(building_code);

CREATE TABLE household (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_id INTEGER NOT NULL REFERENCES building(id),
  version INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL DEFAULT 'active',
  household_number TEXT,
  household_type TEXT,
  head_person_id INTEGER,
  address TEXT,
  room TEXT,
  house_code TEXT,
  property_unit_code TEXT,
  house_use TEXT,
  property_type TEXT,
  floor_area REAL,
  room_count INTEGER,
  landlord_name TEXT,
  landlord_id_number TEXT,
  landlord_phone TEXT
);
CREATE INDEX household_parent ON household(parent_id);
CREATE INDEX household_number_idx ON household(household_number);
CREATE INDEX household_address ON household(address);

CREATE TABLE person (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_id INTEGER REFERENCES household(id),
  version INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL DEFAULT 'active',
  id_number TEXT UNIQUE,
  name TEXT NOT NULL,
  former_name TEXT,
  id_doc_type TEXT,
  id_doc_number TEXT,
  gender TEXT,
  birth_date TEXT,
  ethnicity TEXT,
  birthplace TEXT,
  native_place TEXT,
  education TEXT,
  marital_status TEXT,
  political_status TEXT,
  religion TEXT,
  military_service TEXT,
  occupation TEXT,
  employer TEXT,
  phone TEXT,
  hukou_address TEXT,
  hukou_division TEXT,
  current_address TEXT,
  address_code TEXT,
  population_type TEXT,
  separated INTEGER,
  residence_status TEXT,
  health_status TEXT,
  death_date TEXT,
  relationship TEXT,
  residence_type TEXT,
  owner_relationship TEXT,
  move_in_date TEXT,
  move_out_date TEXT,
  hukou_nature TEXT
);
CREATE INDEX person_parent ON person(parent_id);
CREATE INDEX person_name ON person(name);
CREATE INDEX person_phone ON person(phone);
CREATE INDEX person_birth_date ON person(birth_date);

-- One row per stay of a person in a household (with relationship), a household in a building,
-- a building in a grid. valid_to is NULL while current.
CREATE TABLE membership (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  parent_id INTEGER,
  relationship TEXT,
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  actor TEXT
);
CREATE INDEX membership_entity ON membership(entity, entity_id);

-- A merged person's id keeps pointing at the survivor.
CREATE TABLE person_alias (
  alias_id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES person(id),
  merged_at TEXT NOT NULL
);

CREATE TABLE tag_assignment (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  person_id INTEGER NOT NULL REFERENCES person(id),
  tag TEXT NOT NULL,
  attrs TEXT NOT NULL,
  valid_from TEXT,
  valid_to TEXT,
  source TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tag_assignment_person ON tag_assignment(person_id);
CREATE INDEX tag_assignment_tag ON tag_assignment(tag);

-- The current provenance of each golden value, and every observation ever made of it.
CREATE TABLE provenance (
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  field TEXT NOT NULL,
  value TEXT,
  source TEXT NOT NULL,
  source_record_id INTEGER,
  actor TEXT,
  observed_at TEXT NOT NULL,
  pinned INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (entity, entity_id, field)
);

CREATE TABLE value_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  field TEXT NOT NULL,
  value TEXT,
  source TEXT NOT NULL,
  source_record_id INTEGER,
  actor TEXT,
  observed_at TEXT NOT NULL,
  pinned INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX value_history_field ON value_history(entity, entity_id, field);

CREATE TABLE source_state (
  source TEXT PRIMARY KEY,
  cursor_value TEXT,
  updated_at TEXT NOT NULL
);

CREATE TABLE source_record (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  record_key TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  payload TEXT,
  person_id INTEGER,
  fetched_at TEXT NOT NULL,
  UNIQUE (source, record_key)
);

CREATE TABLE review_item (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  other_id INTEGER,
  field TEXT,
  detail TEXT,
  created_at TEXT NOT NULL,
  resolved_by TEXT,
  resolution TEXT,
  resolved_at TEXT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX review_item_status ON review_item(status);

CREATE TABLE app_user (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  display_name TEXT,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE user_scope (
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  code TEXT NOT NULL,
  PRIMARY KEY (user_id, code)
);

CREATE TABLE user_grant (
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  mapping_id TEXT NOT NULL,
  PRIMARY KEY (user_id, mapping_id)
);

-- Append-only: the store has no update or delete for it.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  logged_at TEXT NOT NULL,
  user_name TEXT,
  role TEXT,
  source_addr TEXT,
  action TEXT NOT NULL,
  object TEXT,
  result TEXT NOT NULL,
  request_id TEXT,
  detail TEXT
);
CREATE INDEX audit_log_at ON audit_log(logged_at);
CREATE INDEX audit_log_user ON audit_log(user_name);
