-- The baseline's bare table: the register CSV's 29 columns as text, no keys, no checks — what
-- `sqlite3 .import` makes on the SQLite side.
DROP TABLE IF EXISTS person_bare;
CREATE TABLE person_bare (
  c01 TEXT, c02 TEXT, c03 TEXT, c04 TEXT, c05 TEXT, c06 TEXT, c07 TEXT, c08 TEXT, c09 TEXT,
  c10 TEXT, c11 TEXT, c12 TEXT, c13 TEXT, c14 TEXT, c15 TEXT, c16 TEXT, c17 TEXT, c18 TEXT,
  c19 TEXT, c20 TEXT, c21 TEXT, c22 TEXT, c23 TEXT, c24 TEXT, c25 TEXT, c26 TEXT, c27 TEXT,
  c28 TEXT, c29 TEXT) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
