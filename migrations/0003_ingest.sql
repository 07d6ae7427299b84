-- Usage ingestion (issue #3): integration keys, the append-only count ledger
-- every push / import / pull writes first, push and import records, CSV
-- import profiles, vendor pull credentials and runs, and the Gradient-style
-- service details. Core tables (vendor_*, usage_counts, *_mappings) are only
-- written through the ledger, so every count is traceable to its source.
CREATE TABLE `ingest_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`kind` text NOT NULL,
	`key_hash` text NOT NULL,
	`vendor_key_hash` text,
	`key_prefix` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`integration_id`) REFERENCES `vendor_integrations`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE UNIQUE INDEX `ingest_keys_hash_uq` ON `ingest_keys` (`key_hash`);
CREATE INDEX `ingest_keys_integration_idx` ON `ingest_keys` (`tenant_id`,`integration_id`);

CREATE TABLE `ingest_pushes` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`source_kind` text NOT NULL,
	`idempotency_key` text,
	`body_hash` text NOT NULL,
	`actor` text NOT NULL,
	`counts_received` integer NOT NULL,
	`counts_applied` integer DEFAULT 0 NOT NULL,
	`received_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`integration_id`) REFERENCES `vendor_integrations`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE UNIQUE INDEX `ingest_pushes_idem_uq` ON `ingest_pushes` (`tenant_id`,`idempotency_key`);
CREATE INDEX `ingest_pushes_received_idx` ON `ingest_pushes` (`tenant_id`,`received_at`);

CREATE TABLE `ingest_count_log` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`source_kind` text NOT NULL,
	`source_id` text NOT NULL,
	`source_ref` text NOT NULL,
	`account_external_id` text NOT NULL,
	`account_name` text,
	`account_description` text,
	`service_external_id` text NOT NULL,
	`service_name` text,
	`service_category` text,
	`service_unit` text,
	`period` text NOT NULL,
	`quantity` text NOT NULL,
	`cost_minor` integer,
	`cost_currency` text,
	`observed_at` text NOT NULL,
	`line_count` integer,
	`received_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE INDEX `ingest_count_log_source_idx` ON `ingest_count_log` (`tenant_id`,`source_id`);
CREATE TRIGGER ingest_count_log_no_update BEFORE UPDATE ON ingest_count_log
BEGIN
  SELECT RAISE(ABORT, 'ingest_count_log is append-only');
END;
CREATE TRIGGER ingest_count_log_no_delete BEFORE DELETE ON ingest_count_log
BEGIN
  SELECT RAISE(ABORT, 'ingest_count_log is append-only');
END;

CREATE TABLE `ingest_imports` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`profile` text NOT NULL,
	`profile_id` text,
	`status` text NOT NULL,
	`options` text DEFAULT '{}' NOT NULL,
	`bytes_total` integer,
	`bytes_read` integer DEFAULT 0 NOT NULL,
	`rows_read` integer DEFAULT 0 NOT NULL,
	`rows_accepted` integer DEFAULT 0 NOT NULL,
	`rows_rejected` integer DEFAULT 0 NOT NULL,
	`rows_skipped` integer DEFAULT 0 NOT NULL,
	`counts_staged` integer DEFAULT 0 NOT NULL,
	`counts_applied` integer DEFAULT 0 NOT NULL,
	`rejected` text DEFAULT '[]' NOT NULL,
	`skipped` text DEFAULT '{}' NOT NULL,
	`error` text,
	`actor` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`finished_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`integration_id`) REFERENCES `vendor_integrations`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE INDEX `ingest_imports_created_idx` ON `ingest_imports` (`tenant_id`,`created_at`);

CREATE TABLE `ingest_import_profiles` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`name` text NOT NULL,
	`config` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`integration_id`) REFERENCES `vendor_integrations`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE UNIQUE INDEX `ingest_import_profiles_name_uq` ON `ingest_import_profiles` (`tenant_id`,`name`);

CREATE TABLE `ingest_pull_secrets` (
	`integration_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`credentials` text NOT NULL,
	`access_token` text,
	`token_expires_at` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`integration_id`) REFERENCES `vendor_integrations`(`id`) ON UPDATE no action ON DELETE no action
);

CREATE TABLE `ingest_pull_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`trigger` text NOT NULL,
	`trigger_key` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`period` text,
	`requests` integer DEFAULT 0 NOT NULL,
	`counts_written` integer DEFAULT 0 NOT NULL,
	`counts_applied` integer DEFAULT 0 NOT NULL,
	`warnings` text DEFAULT '[]' NOT NULL,
	`error` text,
	`queued_at` text NOT NULL,
	`started_at` text,
	`finished_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`integration_id`) REFERENCES `vendor_integrations`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE UNIQUE INDEX `ingest_pull_runs_trigger_uq` ON `ingest_pull_runs` (`integration_id`,`trigger_key`);
CREATE INDEX `ingest_pull_runs_tenant_idx` ON `ingest_pull_runs` (`tenant_id`,`queued_at`);

CREATE TABLE `ingest_gradient_services` (
	`service_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`scope` text NOT NULL,
	`description` text,
	`category` text,
	`subcategory` text,
	`support_article` text,
	`support_contact` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`service_id`) REFERENCES `vendor_services`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE INDEX `ingest_gradient_services_integration_idx` ON `ingest_gradient_services` (`tenant_id`,`integration_id`);
