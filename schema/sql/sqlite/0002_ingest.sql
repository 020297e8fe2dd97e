-- Ingest: connector runs with their quarantined rows, what the register knows of each source
-- (its trust, for survivorship), and pairs of persons a worker decided are different people.

-- One row per `onetable import` of a connector. Written in the first batch's transaction and
-- updated with every batch, so the counts always match what was committed; a run whose process
-- died stays 'running' until the next run of the same source marks it 'interrupted'.
CREATE TABLE import_run (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  title TEXT,
  connector_type TEXT NOT NULL,
  spec_file TEXT,
  status TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  read_count INTEGER NOT NULL DEFAULT 0,
  new_count INTEGER NOT NULL DEFAULT 0,
  updated_count INTEGER NOT NULL DEFAULT 0,
  unchanged_count INTEGER NOT NULL DEFAULT 0,
  linked_count INTEGER NOT NULL DEFAULT 0,
  review_count INTEGER NOT NULL DEFAULT 0,
  rejected_count INTEGER NOT NULL DEFAULT 0,
  message TEXT
);
CREATE INDEX import_run_source ON import_run(source);

-- A source row that could not be taken in: where it was (file, row, column) and why.
CREATE TABLE quarantine_row (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER NOT NULL REFERENCES import_run(id),
  source TEXT NOT NULL,
  location TEXT,
  row_no INTEGER NOT NULL DEFAULT 0,
  col TEXT,
  reason TEXT NOT NULL,
  raw TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX quarantine_row_run ON quarantine_row(run_id);
CREATE INDEX quarantine_row_source ON quarantine_row(source);

-- The connectors the register has taken values from, with the trust they had at their last run.
CREATE TABLE ingest_source (
  source TEXT PRIMARY KEY,
  title TEXT,
  connector_type TEXT NOT NULL,
  trust INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);

-- Two persons a worker decided are not the same (person_a < person_b): never proposed again.
CREATE TABLE person_distinct (
  person_a INTEGER NOT NULL,
  person_b INTEGER NOT NULL,
  actor TEXT,
  decided_at TEXT NOT NULL,
  PRIMARY KEY (person_a, person_b)
);
