-- The audit log is append-only: whatever connects to the database (the service, a script, a
-- person with the sqlite3 shell) cannot change or remove a record without first dropping these
-- triggers, which itself takes a schema change.
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: records cannot be changed'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: records cannot be removed'); END;
