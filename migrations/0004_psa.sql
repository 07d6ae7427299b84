-- PSA sync and write-back (issue #4): webhook inbox, per-agreement sync state,
-- write-back attempts, per-agreement leases, the Autotask request budget and
-- sync runs. Every table carries tenant_id; idempotency comes from UNIQUE keys.
ALTER TABLE `psa_integrations` ADD COLUMN `deactivation_token_hash` text;
ALTER TABLE `psa_integrations` ADD COLUMN `last_sync_error` text;
-- Raw webhook/callback deliveries, deduped on the PSA's delivery identity
-- (ConnectWise MessageId; Autotask Guid:Id:SequenceNumber). `unverified` rows
-- keep a payload whose signing key could not be fetched, for replay.
CREATE TABLE `psa_webhook_inbox` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`source` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`state` text NOT NULL,
	`entity_type` text,
	`record_id` text,
	`action` text,
	`payload` text NOT NULL,
	`signature` text,
	`received_at` text NOT NULL,
	`processed_at` text,
	`error` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`integration_id`) REFERENCES `psa_integrations`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE UNIQUE INDEX `psa_webhook_inbox_dedupe_uq` ON `psa_webhook_inbox` (`tenant_id`,`integration_id`,`dedupe_key`);
CREATE INDEX `psa_webhook_inbox_state_idx` ON `psa_webhook_inbox` (`tenant_id`,`state`,`received_at`);
-- What the last sync learned about an agreement beyond the shared columns.
CREATE TABLE `psa_agreement_state` (
	`agreement_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`allows_effective_date` integer DEFAULT false NOT NULL,
	`psa_last_updated` text,
	`synced_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agreement_id`) REFERENCES `agreements`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE INDEX `psa_agreement_state_integration_idx` ON `psa_agreement_state` (`tenant_id`,`integration_id`);
-- One row per write attempt of a decision: what we read, what we sent, what the PSA said.
CREATE TABLE `psa_writeback_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`decision_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`at` text NOT NULL,
	`outcome` text NOT NULL,
	`psa_quantity_before` text,
	`target_quantity` text,
	`http_status` integer,
	`request` text,
	`response` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decision_id`) REFERENCES `decisions`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE UNIQUE INDEX `psa_writeback_attempts_uq` ON `psa_writeback_attempts` (`tenant_id`,`decision_id`,`attempt`);
-- Short leases serialising PSA writes per agreement (no Durable Objects):
-- taken with one conditional upsert, released by the holder, expiring on their own.
CREATE TABLE `psa_leases` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`resource` text NOT NULL,
	`holder` text NOT NULL,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE UNIQUE INDEX `psa_leases_resource_uq` ON `psa_leases` (`tenant_id`,`resource`);
-- Autotask's 10,000 requests per rolling hour is shared by every integration of
-- the database: our own calls are counted per minute and capped below it.
CREATE TABLE `psa_request_budget` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`minute` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE UNIQUE INDEX `psa_request_budget_minute_uq` ON `psa_request_budget` (`tenant_id`,`integration_id`,`minute`);
-- A full or incremental sync, fanned out over queue chunks.
CREATE TABLE `psa_sync_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`mode` text NOT NULL,
	`state` text NOT NULL,
	`since` text,
	`started_at` text NOT NULL,
	`finished_at` text,
	`chunks_total` integer DEFAULT 0 NOT NULL,
	`chunks_done` integer DEFAULT 0 NOT NULL,
	`agreements` integer DEFAULT 0 NOT NULL,
	`lines` integer DEFAULT 0 NOT NULL,
	`psa_calls` integer DEFAULT 0 NOT NULL,
	`error` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE INDEX `psa_sync_runs_integration_idx` ON `psa_sync_runs` (`tenant_id`,`integration_id`,`started_at`);
-- Finished chunks of a sync run: a redelivered chunk is counted once.
CREATE TABLE `psa_sync_chunks` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`run_id` text NOT NULL,
	`chunk` integer NOT NULL,
	`agreements` integer DEFAULT 0 NOT NULL,
	`lines` integer DEFAULT 0 NOT NULL,
	`psa_calls` integer DEFAULT 0 NOT NULL,
	`finished_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`run_id`) REFERENCES `psa_sync_runs`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE UNIQUE INDEX `psa_sync_chunks_uq` ON `psa_sync_chunks` (`tenant_id`,`run_id`,`chunk`);
