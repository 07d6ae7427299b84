-- The billing workspace (issue 11): roles and last sign-in of tenant users
-- (existing users become admins: they were created by the tenant's operator or
-- API key to act for the tenant), alert settings, raised alerts, the log of
-- their deliveries (e-mail and the outbound webhook; locally the log is what
-- the demo shows), and per-month money totals for the 12-month chart
-- (recon_rows keep only the current figures; history accumulates here).
ALTER TABLE `tenant_users` ADD COLUMN `role` text DEFAULT 'admin' NOT NULL CHECK (`role` IN ('admin', 'approver', 'viewer'));
--> statement-breakpoint
ALTER TABLE `tenant_users` ADD COLUMN `last_sign_in_at` text;
--> statement-breakpoint
CREATE TABLE `alert_settings` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`rules` text NOT NULL,
	`email_recipients` text NOT NULL,
	`webhook_url` text,
	`webhook_secret` text,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`at` text NOT NULL,
	`rule` text NOT NULL,
	`severity` text NOT NULL,
	`title` text NOT NULL,
	`detail` text NOT NULL,
	`integration_id` text,
	`account_id` text,
	`dedupe_key` text NOT NULL,
	`email_state` text NOT NULL,
	`webhook_state` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_dedupe_uq` ON `alerts` (`tenant_id`,`dedupe_key`);
--> statement-breakpoint
CREATE INDEX `alerts_tenant_at_idx` ON `alerts` (`tenant_id`,`at`,`id`);
--> statement-breakpoint
CREATE TABLE `alert_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`alert_id` text,
	`channel` text NOT NULL,
	`target` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`response_status` integer,
	`last_error` text,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`created_at` text NOT NULL,
	`delivered_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `alert_deliveries_tenant_idx` ON `alert_deliveries` (`tenant_id`,`created_at`);
--> statement-breakpoint
CREATE TABLE `recon_month_totals` (
	`tenant_id` text NOT NULL,
	`period` text NOT NULL,
	`currency` text NOT NULL,
	`integration_id` text NOT NULL,
	`under_minor` integer NOT NULL,
	`over_minor` integer NOT NULL,
	`demo` integer DEFAULT 0 NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `period`, `currency`, `integration_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
