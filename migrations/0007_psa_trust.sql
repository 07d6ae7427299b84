-- Issue 10 item 2: unverified callbacks are retried with backoff and expire.
-- `attempts` counts failed re-verifications (the key still unreachable);
-- `next_attempt_at` is when the cron may try again (NULL: not scheduled).
ALTER TABLE `psa_webhook_inbox` ADD `attempts` integer DEFAULT 0 NOT NULL;
ALTER TABLE `psa_webhook_inbox` ADD `next_attempt_at` text;
CREATE INDEX `psa_webhook_inbox_retry_idx` ON `psa_webhook_inbox` (`tenant_id`,`integration_id`,`state`,`next_attempt_at`);
-- Rows kept before this migration are due at once.
UPDATE `psa_webhook_inbox` SET `next_attempt_at` = `received_at` WHERE `state` = 'unverified';
