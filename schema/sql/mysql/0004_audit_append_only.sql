-- The audit log is append-only: no account the service or a script uses can change or remove a
-- record without first dropping these triggers. (With binary logging on, creating a trigger
-- needs the TRIGGER privilege and log_bin_trust_function_creators=1 or SUPER: see README.)
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only: records cannot be changed';
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only: records cannot be removed';
