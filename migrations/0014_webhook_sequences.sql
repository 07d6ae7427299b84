-- Autotask webhook SequenceNumbers (reliability matrix row 11): the highest
-- SequenceNumber received per webhook (its Guid) of an integration, scoped
-- by tenant. A delivery that skips numbers (Autotask dropped an event after
-- 5 failed attempts) or arrives below it (out of order) starts an immediate
-- incremental sync of the integration (services/psa/gap-poll.ts).
CREATE TABLE `psa_webhook_sequences` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL REFERENCES `tenants`(`id`),
	`integration_id` text NOT NULL REFERENCES `psa_integrations`(`id`),
	`webhook_guid` text NOT NULL,
	`last_sequence` integer NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `psa_webhook_sequences_uq` ON `psa_webhook_sequences` (`tenant_id`,`integration_id`,`webhook_guid`);
