-- The audit log is append-only: history of who changed billing, when, from
-- what to what, must not be rewritten. D1 runs each statement of a batch in one
-- transaction, so an audit row written beside its state change commits with it.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
