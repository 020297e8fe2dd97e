-- Deliveries (service/src/delivery/): planned batches with their exact content and receipts,
-- the state each target acknowledged (a row hash per key hash), and each delivery's control
-- row. Keep in step with schema/sql/mysql/0011_delivery.sql.

CREATE TABLE delivery_batch (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery TEXT NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  upserts INTEGER NOT NULL DEFAULT 0,
  deletes INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_status TEXT NOT NULL DEFAULT '',
  response_code INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  acked_at TEXT,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  UNIQUE (delivery, seq)
);
CREATE INDEX delivery_batch_status ON delivery_batch (delivery, status, seq);

CREATE TABLE delivery_state (
  delivery TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  row_hash TEXT NOT NULL,
  key_text TEXT NOT NULL,
  PRIMARY KEY (delivery, key_hash)
);

CREATE TABLE delivery_control (
  delivery TEXT NOT NULL PRIMARY KEY,
  paused INTEGER NOT NULL DEFAULT 0,
  last_run_at INTEGER NOT NULL DEFAULT 0,
  last_success_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT ''
);
