-- Ingestion trust (issue 10, items 6, 8 and 9).

-- A count whose observedAt was older than the late window when it arrived
-- (LATE_AFTER_DAYS in src/core/usage/push-counts.ts): kept, applied, marked.
ALTER TABLE `ingest_count_log` ADD `late` integer DEFAULT 0 NOT NULL;

-- Counts of a push acknowledged without a ledger row (same quantity and cost
-- as the stored figure) and counts flagged late, so a replay answers the same.
ALTER TABLE `ingest_pushes` ADD `counts_unchanged` integer DEFAULT 0 NOT NULL;
ALTER TABLE `ingest_pushes` ADD `counts_late` integer DEFAULT 0 NOT NULL;

-- CSV re-uploads: SHA-256 of the file bytes, and of the file hash plus the
-- import's canonical options (profile, saved profile, integration, period…).
-- At most one live import per tenant and dedupe key: a byte-identical
-- re-upload with the same options answers with the first import.
ALTER TABLE `ingest_imports` ADD `content_hash` text;
ALTER TABLE `ingest_imports` ADD `dedupe_key` text;
CREATE UNIQUE INDEX `ingest_imports_dedupe_uq` ON `ingest_imports` (`tenant_id`,`dedupe_key`) WHERE `status` = 'live';

-- Alerts sent through the Gradient-compatible API
-- (POST /api/vendor-api/alerting/:accountId), per tenant, integration and
-- vendor account; `id` is the messageId answered to the vendor.
CREATE TABLE `ingest_vendor_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`account_external_id` text NOT NULL,
	`alert_id` text NOT NULL,
	`correlation_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`priority` integer NOT NULL,
	`status` integer NOT NULL,
	`due_date_time` text,
	`service_external_id` text,
	`received_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`integration_id`) REFERENCES `vendor_integrations`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE INDEX `ingest_vendor_alerts_account_idx` ON `ingest_vendor_alerts` (`tenant_id`,`integration_id`,`account_external_id`,`received_at`);
