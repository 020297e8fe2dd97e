-- Table requests: a department asks for a new table by sending its blank template (issue 20,
-- service/src/requests/). One row per request; the template itself is not kept, only its name,
-- size and SHA-256, and the draft mapping made from it. approved_columns holds the headers the
-- admin approved, one per line. Times are UTC "YYYY-MM-DD HH:MM:SS". Compare-and-set on version.
-- Keep in step with schema/sql/mysql/0013_table_requests.sql.

CREATE TABLE table_request (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  requester_id INTEGER NOT NULL,
  requester TEXT NOT NULL,
  status TEXT NOT NULL,
  title TEXT NOT NULL,
  purpose TEXT NOT NULL,
  legal_basis TEXT NOT NULL,
  as_of_rule TEXT NOT NULL,
  scope_wanted TEXT NOT NULL,
  frequency TEXT NOT NULL,
  contact TEXT NOT NULL,
  template_name TEXT NOT NULL,
  template_size INTEGER NOT NULL,
  template_sha256 TEXT NOT NULL,
  draft_yaml TEXT NOT NULL,
  mapping_id TEXT NOT NULL,
  data_rows INTEGER NOT NULL DEFAULT 0,
  cells INTEGER NOT NULL DEFAULT 0,
  register_cells INTEGER NOT NULL DEFAULT 0,
  approved_columns TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  FOREIGN KEY (requester_id) REFERENCES app_user(id)
);
CREATE INDEX table_request_requester ON table_request(requester_id, id);
