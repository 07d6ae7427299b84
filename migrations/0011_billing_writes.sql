-- Billing writes (issue 9 §2): how the PSA takes a decision and when.
-- write_mode: now | with-date | scheduled (core/reconcile/write-timing.ts);
-- write_on: the day a scheduled decision is written (writeback_state
-- 'scheduled' until the quarter-hour cron releases it; 'cancelled' when the
-- user cancels it first); first_billed_on: the first invoice billing it in full.
-- retried_at: when a failed write-back was re-queued by the user (attempts
-- before it don't count against the retry limit).
ALTER TABLE decisions ADD COLUMN write_mode TEXT;
--> statement-breakpoint
ALTER TABLE decisions ADD COLUMN write_on TEXT;
--> statement-breakpoint
ALTER TABLE decisions ADD COLUMN first_billed_on TEXT;
--> statement-breakpoint
ALTER TABLE decisions ADD COLUMN retried_at TEXT;
--> statement-breakpoint
CREATE INDEX decisions_scheduled_idx ON decisions (tenant_id, writeback_state, write_on);
