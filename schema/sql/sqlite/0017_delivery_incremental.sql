-- Incremental deliveries (service/src/delivery/change_scope.h): after a full delivery, a run
-- regenerates only the persons whose inputs changed since the last one. Person fields, statuses
-- and moves are found from field_change and membership (0012); register_change records what
-- those do not: tag writes, persons inserted outside a household, merges, and updates, moves and
-- deletes of the rows above persons. Written by the store in the same transaction as the change.
-- Keep in step with schema/sql/mysql/0017_delivery_incremental.sql.

CREATE TABLE register_change (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  changed_at TEXT NOT NULL
);
CREATE INDEX register_change_at ON register_change(changed_at);
CREATE INDEX membership_from ON membership(entity, valid_from);

-- Which grain row (person) each acknowledged key came from (0: not known, a state written before
-- this migration), so an incremental run finds the keys of the persons it regenerates.
ALTER TABLE delivery_state ADD COLUMN row_id INTEGER NOT NULL DEFAULT 0;
CREATE INDEX delivery_state_row ON delivery_state(delivery, row_id);

-- What the last completed plan of each delivery was computed from: a fingerprint of the mapping,
-- catalog, principal, scope and reference date, the instant changes are read from next time,
-- and when the last full recompute ran.
CREATE TABLE delivery_basis (
  delivery TEXT NOT NULL PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  changes_from TEXT NOT NULL,
  full_at INTEGER NOT NULL DEFAULT 0
);
