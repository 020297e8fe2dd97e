-- Transfer requests (a worker asks to move a person registered in another grid into a household
-- of theirs; the holding grid's worker or its community admin approves or declines), and the
-- progress of table downloads shared by every instance over one store (issue 19). Times are UTC
-- "YYYY-MM-DD HH:MM:SS" (transfers) and Unix milliseconds (progress). Compare-and-set on
-- person_transfer.version. Keep in step with schema/sql/mysql/0020_transfers_progress.sql.

CREATE TABLE person_transfer (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  person_id INTEGER NOT NULL,
  from_grid_id INTEGER NOT NULL,
  to_household_id INTEGER NOT NULL,
  to_grid_id INTEGER NOT NULL,
  requester_id INTEGER NOT NULL,
  requester TEXT NOT NULL,
  reason TEXT NOT NULL,
  state TEXT NOT NULL,
  decider TEXT NOT NULL,
  decision_reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX person_transfer_state ON person_transfer(state, id);
CREATE INDEX person_transfer_person ON person_transfer(person_id, state);

CREATE TABLE table_progress (
  owner TEXT NOT NULL,
  token TEXT NOT NULL,
  rows_done INTEGER NOT NULL,
  started_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  ended_ms INTEGER NOT NULL,
  cancelled INTEGER NOT NULL,
  PRIMARY KEY (owner, token)
);
