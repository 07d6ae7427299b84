-- The pod surface: users of the standalone (Autotask) view with PBKDF2-SHA256
-- password hashes, short-lived pod sessions (only the SHA-256 of a token is
-- kept), login attempt limiting, and per-line notes written from the pod.
CREATE TABLE `tenant_users` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`email` text NOT NULL,
	`display_name` text,
	`password_hash` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`disabled_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE UNIQUE INDEX `tenant_users_email_uq` ON `tenant_users` (`tenant_id`,`email`);
CREATE TABLE `pod_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`kind` text NOT NULL,
	`actor` text NOT NULL,
	`integration_id` text,
	`user_id` text,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`integration_id`) REFERENCES `psa_integrations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `tenant_users`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE UNIQUE INDEX `pod_sessions_token_uq` ON `pod_sessions` (`token_hash`);
CREATE INDEX `pod_sessions_expiry_idx` ON `pod_sessions` (`tenant_id`,`expires_at`);
CREATE TABLE `pod_login_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`subject` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`window_started_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE UNIQUE INDEX `pod_login_attempts_subject_uq` ON `pod_login_attempts` (`tenant_id`,`subject`);
CREATE TABLE `pod_line_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`agreement_id` text NOT NULL,
	`product_key` text NOT NULL,
	`note` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agreement_id`) REFERENCES `agreements`(`id`) ON UPDATE no action ON DELETE no action
);
CREATE UNIQUE INDEX `pod_line_notes_line_uq` ON `pod_line_notes` (`tenant_id`,`agreement_id`,`product_key`);
