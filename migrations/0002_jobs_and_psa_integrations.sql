-- Dead letters of the JOBS queue, and the PSA connections shared by sync,
-- write-back and the pod.
CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`job_id` text NOT NULL,
	`payload` text NOT NULL,
	`attempts` integer NOT NULL,
	`error` text NOT NULL,
	`at` text NOT NULL
);
CREATE UNIQUE INDEX `dead_letters_job_uq` ON `dead_letters` (`kind`,`job_id`);
CREATE INDEX `dead_letters_tenant_idx` ON `dead_letters` (`tenant_id`,`at`);
CREATE TABLE `psa_integrations` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`api_base_url` text NOT NULL,
	`site_origin` text NOT NULL,
	`web_origins` text DEFAULT '[]' NOT NULL,
	`login_company_id` text,
	`client_id` text,
	`credentials` text NOT NULL,
	`webhook_secret` text,
	`remote_hook_id` text,
	`polling_only` integer DEFAULT false NOT NULL,
	`last_incremental_sync_at` text,
	`last_full_sync_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`disconnected_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE INDEX `psa_integrations_tenant_idx` ON `psa_integrations` (`tenant_id`,`kind`);
