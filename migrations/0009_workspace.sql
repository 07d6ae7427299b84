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
	`dispatched_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_dedupe_uq` ON `alerts` (`tenant_id`,`dedupe_key`);
--> statement-breakpoint
CREATE INDEX `alerts_tenant_at_idx` ON `alerts` (`tenant_id`,`at`,`id`);
--> statement-breakpoint
CREATE INDEX `alerts_undispatched_idx` ON `alerts` (`tenant_id`) WHERE `dispatched_at` IS NULL;
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
--> statement-breakpoint
-- ── Alerts raised where the facts arise ──────────────────────────────────────
-- A vendor count that jumps more than the tenant's factor (default 5×) or drops
-- to 0 against the same account × service's previous period is found in the
-- same transaction that applies it, whatever the ingest path (push, vendor API,
-- import, pull). One alert per account × service × measure × period × rule
-- (dedupe key), compared with the same measure's previous period;
-- delivery is queued by services/workspace/alert-delivery.ts after the write.
-- (NOT EXISTS rather than INSERT OR IGNORE: inside a trigger the outer
-- statement's conflict policy — an upsert here — would override OR IGNORE.)
-- Quantities are exact decimal strings; the ratio test casts them to REAL,
-- which is plenty for a ×5 threshold (no money is computed here).
CREATE TRIGGER usage_counts_alert_ins AFTER INSERT ON usage_counts
BEGIN
  INSERT INTO alerts (id, tenant_id, at, rule, severity, title, detail, integration_id, account_id, dedupe_key, email_state, webhook_state)
  SELECT 'alr_' || lower(hex(randomblob(10))), NEW.tenant_id, strftime('%Y-%m-%dT%H:%M:%fZ','now'),
    CASE WHEN CAST(NEW.quantity AS REAL) = 0 THEN 'count-drop-to-zero' ELSE 'count-jump' END,
    'warning',
    CASE WHEN CAST(NEW.quantity AS REAL) = 0 THEN 'Count dropped to 0: ' ELSE 'Count jumped: ' END || a.name || ' — ' || s.name,
    s.name || CASE WHEN NEW.measure = 'total' THEN '' ELSE ' (' || NEW.measure || ')' END || ' for ' || a.name || ' went from ' || p.quantity || ' (' || p.period || ') to ' || NEW.quantity || ' (' || NEW.period || ').',
    a.integration_id, NEW.account_id,
    'count:' || NEW.account_id || ':' || NEW.service_id || ':' || NEW.measure || ':' || NEW.period || ':' || CASE WHEN CAST(NEW.quantity AS REAL) = 0 THEN 'zero' ELSE 'jump' END,
    'pending', 'pending'
  FROM usage_counts AS p
  JOIN vendor_accounts AS a ON a.id = NEW.account_id
  JOIN vendor_services AS s ON s.id = NEW.service_id
  LEFT JOIN alert_settings AS st ON st.tenant_id = NEW.tenant_id
  WHERE p.tenant_id = NEW.tenant_id AND p.account_id = NEW.account_id AND p.service_id = NEW.service_id AND p.measure = NEW.measure
    AND p.period = (SELECT max(q.period) FROM usage_counts AS q
                    WHERE q.tenant_id = NEW.tenant_id AND q.account_id = NEW.account_id AND q.service_id = NEW.service_id AND q.measure = NEW.measure AND q.period < NEW.period)
    AND CAST(p.quantity AS REAL) > 0
    AND ((CAST(NEW.quantity AS REAL) = 0 AND coalesce(json_extract(st.rules, '$.countDropToZero'), 1) = 1)
      OR CAST(NEW.quantity AS REAL) > coalesce(json_extract(st.rules, '$.countJumpFactor'), 5) * CAST(p.quantity AS REAL))
    AND NOT EXISTS (SELECT 1 FROM alerts AS x WHERE x.tenant_id = NEW.tenant_id AND x.dedupe_key = 'count:' || NEW.account_id || ':' || NEW.service_id || ':' || NEW.measure || ':' || NEW.period || ':' || CASE WHEN CAST(NEW.quantity AS REAL) = 0 THEN 'zero' ELSE 'jump' END);
END;
--> statement-breakpoint
CREATE TRIGGER usage_counts_alert_upd AFTER UPDATE OF quantity ON usage_counts WHEN NEW.quantity != OLD.quantity
BEGIN
  INSERT INTO alerts (id, tenant_id, at, rule, severity, title, detail, integration_id, account_id, dedupe_key, email_state, webhook_state)
  SELECT 'alr_' || lower(hex(randomblob(10))), NEW.tenant_id, strftime('%Y-%m-%dT%H:%M:%fZ','now'),
    CASE WHEN CAST(NEW.quantity AS REAL) = 0 THEN 'count-drop-to-zero' ELSE 'count-jump' END,
    'warning',
    CASE WHEN CAST(NEW.quantity AS REAL) = 0 THEN 'Count dropped to 0: ' ELSE 'Count jumped: ' END || a.name || ' — ' || s.name,
    s.name || CASE WHEN NEW.measure = 'total' THEN '' ELSE ' (' || NEW.measure || ')' END || ' for ' || a.name || ' went from ' || p.quantity || ' (' || p.period || ') to ' || NEW.quantity || ' (' || NEW.period || ').',
    a.integration_id, NEW.account_id,
    'count:' || NEW.account_id || ':' || NEW.service_id || ':' || NEW.measure || ':' || NEW.period || ':' || CASE WHEN CAST(NEW.quantity AS REAL) = 0 THEN 'zero' ELSE 'jump' END,
    'pending', 'pending'
  FROM usage_counts AS p
  JOIN vendor_accounts AS a ON a.id = NEW.account_id
  JOIN vendor_services AS s ON s.id = NEW.service_id
  LEFT JOIN alert_settings AS st ON st.tenant_id = NEW.tenant_id
  WHERE p.tenant_id = NEW.tenant_id AND p.account_id = NEW.account_id AND p.service_id = NEW.service_id AND p.measure = NEW.measure
    AND p.period = (SELECT max(q.period) FROM usage_counts AS q
                    WHERE q.tenant_id = NEW.tenant_id AND q.account_id = NEW.account_id AND q.service_id = NEW.service_id AND q.measure = NEW.measure AND q.period < NEW.period)
    AND CAST(p.quantity AS REAL) > 0
    AND ((CAST(NEW.quantity AS REAL) = 0 AND coalesce(json_extract(st.rules, '$.countDropToZero'), 1) = 1)
      OR CAST(NEW.quantity AS REAL) > coalesce(json_extract(st.rules, '$.countJumpFactor'), 5) * CAST(p.quantity AS REAL))
    AND NOT EXISTS (SELECT 1 FROM alerts AS x WHERE x.tenant_id = NEW.tenant_id AND x.dedupe_key = 'count:' || NEW.account_id || ':' || NEW.service_id || ':' || NEW.measure || ':' || NEW.period || ':' || CASE WHEN CAST(NEW.quantity AS REAL) = 0 THEN 'zero' ELSE 'jump' END);
END;
--> statement-breakpoint
-- A write-back that failed: raised in the transaction that records the failure
-- (the write-back job's update of the decision), once per decision.
CREATE TRIGGER decisions_writeback_failed_alert AFTER UPDATE OF writeback_state ON decisions
WHEN NEW.writeback_state = 'failed' AND OLD.writeback_state != 'failed'
BEGIN
  INSERT INTO alerts (id, tenant_id, at, rule, severity, title, detail, integration_id, account_id, dedupe_key, email_state, webhook_state)
  SELECT 'alr_' || lower(hex(randomblob(10))), NEW.tenant_id, strftime('%Y-%m-%dT%H:%M:%fZ','now'), 'writeback-failed', 'critical',
    'PSA write-back failed: ' || coalesce(ag.name, NEW.agreement_id) || ' — ' || NEW.product_key,
    'The ' || NEW.action || ' of ' || NEW.product_key || ' (' || coalesce(NEW.old_quantity, '?') || ' → ' || coalesce(NEW.new_quantity, '?') ||
      ') was not written to the PSA: ' || coalesce(NEW.writeback_error, 'no detail') || '.',
    NULL, NULL, 'writeback:' || NEW.id, 'pending', 'pending'
  FROM (SELECT 1) AS one
  LEFT JOIN agreements AS ag ON ag.id = NEW.agreement_id AND ag.tenant_id = NEW.tenant_id
  LEFT JOIN alert_settings AS st ON st.tenant_id = NEW.tenant_id
  WHERE coalesce(json_extract(st.rules, '$.writebackFailed'), 1) = 1
    AND NOT EXISTS (SELECT 1 FROM alerts AS x WHERE x.tenant_id = NEW.tenant_id AND x.dedupe_key = 'writeback:' || NEW.id);
END;
