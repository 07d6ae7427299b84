-- Persisted, incremental reconciliation (issue 8).
--
-- latest_counts: per (tenant, account, service) the usage_counts row of the
--   greatest period — the one figure reconciliation uses. Kept by triggers on
--   usage_counts, so it changes in the same transaction (the same D1 batch) as
--   the ledger append and the usage_counts upsert. History stays in
--   ingest_count_log and usage_counts; nothing on the request path reads it.
-- service_stats: per (tenant, service) how many accounts report it and how
--   many of those report exactly 1 (the "suspect" rule), kept by triggers on
--   latest_counts, so no recompute rescans the tenant.
-- recon_scopes: one row per recompute scope (a PSA company id, or
--   `account:<vendor account id>` for usage of an unmapped account) with a
--   dirty counter. Triggers on every input table bump the counter of each
--   scope the change can affect, in the change's own transaction, so no write
--   path can forget to; a recompute writes only if the counter is still the one
--   it read (optimistic concurrency), so a slow recompute never overwrites a
--   newer one. recheck_at: when time alone (stale thresholds, date boundaries,
--   the next month) can change the scope's rows.
-- recon_rows: the engine's output per row, with the columns the API filters,
--   sorts and totals on, and the row itself as JSON.
-- Trigger bodies insert with WHERE NOT EXISTS, never INSERT OR IGNORE: the
-- conflict policy of the statement that fires a trigger (the sync's and the
-- ledger's upserts) overrides the one written in the trigger.

-- Measures (issue 12): a source may report several measures of one service
-- (total/purchased, assigned, consumed, active devices); each is its own count.
ALTER TABLE usage_counts ADD COLUMN measure TEXT NOT NULL DEFAULT 'total';
--> statement-breakpoint
DROP INDEX usage_counts_period_uq;
--> statement-breakpoint
CREATE UNIQUE INDEX usage_counts_period_uq ON usage_counts (tenant_id, account_id, service_id, period, measure);
--> statement-breakpoint
ALTER TABLE ingest_count_log ADD COLUMN measure TEXT NOT NULL DEFAULT 'total';
--> statement-breakpoint
CREATE TABLE latest_counts (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  account_id TEXT NOT NULL REFERENCES vendor_accounts(id),
  service_id TEXT NOT NULL REFERENCES vendor_services(id),
  measure TEXT NOT NULL DEFAULT 'total',
  period TEXT NOT NULL,
  quantity TEXT NOT NULL,
  cost_minor INTEGER,
  cost_currency TEXT,
  observed_at TEXT NOT NULL,
  source_kind TEXT NOT NULL,
  source_ref TEXT NOT NULL,
  PRIMARY KEY (tenant_id, account_id, service_id, measure)
);
--> statement-breakpoint
CREATE INDEX latest_counts_service_idx ON latest_counts (tenant_id, service_id, measure, account_id);
--> statement-breakpoint
-- The scope each latest count feeds: its account's company, or the account itself while unmapped.
-- Triggers that must mark "every scope fed by this service" read it.
CREATE VIEW service_scopes AS
SELECT lc.tenant_id, lc.service_id, lc.measure, coalesce(m.company_id, 'account:' || lc.account_id) AS scope
FROM latest_counts AS lc LEFT JOIN account_mappings AS m ON m.tenant_id = lc.tenant_id AND m.account_id = lc.account_id;
--> statement-breakpoint
CREATE TABLE service_stats (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  service_id TEXT NOT NULL REFERENCES vendor_services(id),
  reporting INTEGER NOT NULL DEFAULT 0,
  ones INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, service_id)
);
--> statement-breakpoint
CREATE TABLE recon_scopes (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  scope TEXT NOT NULL,
  dirty_seq INTEGER NOT NULL DEFAULT 0,
  computed_seq INTEGER NOT NULL DEFAULT 0,
  computed_at TEXT,
  recheck_at TEXT,
  writer TEXT,
  PRIMARY KEY (tenant_id, scope)
);
--> statement-breakpoint
CREATE INDEX recon_scopes_dirty_idx ON recon_scopes (tenant_id, scope) WHERE dirty_seq > computed_seq;
--> statement-breakpoint
CREATE INDEX recon_scopes_recheck_idx ON recon_scopes (recheck_at);
--> statement-breakpoint
CREATE TABLE recon_rows (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  row_key TEXT NOT NULL,
  scope TEXT NOT NULL,
  status TEXT NOT NULL,
  company_id TEXT,
  agreement_id TEXT,
  product_key TEXT,
  currency TEXT,
  monthly_impact_minor INTEGER,
  abs_impact_minor INTEGER,
  -- 1 when the row has no counted line of its own: its price is a tenant-wide estimate.
  needs_catalog INTEGER NOT NULL DEFAULT 0,
  -- JSON array of the vendor integrations feeding the row (filter by vendor).
  integration_ids TEXT NOT NULL DEFAULT '[]',
  -- 0 = rows of a company, 1 = usage of unmapped accounts (always listed last).
  sort_group INTEGER NOT NULL,
  sort_key TEXT NOT NULL,
  body TEXT NOT NULL,
  input_seq INTEGER NOT NULL,
  computed_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, row_key)
);
--> statement-breakpoint
CREATE INDEX recon_rows_scope_idx ON recon_rows (tenant_id, scope);
--> statement-breakpoint
CREATE INDEX recon_rows_order_idx ON recon_rows (tenant_id, sort_group, sort_key);
--> statement-breakpoint
CREATE INDEX recon_rows_company_idx ON recon_rows (tenant_id, company_id, sort_group, sort_key);
--> statement-breakpoint
CREATE INDEX recon_rows_agreement_idx ON recon_rows (tenant_id, agreement_id);
--> statement-breakpoint
CREATE INDEX recon_rows_catalog_idx ON recon_rows (tenant_id, product_key) WHERE needs_catalog = 1;
--> statement-breakpoint
-- Scoped reads the recompute and the mapping screens need.
CREATE INDEX account_mappings_company_idx ON account_mappings (tenant_id, company_id);
--> statement-breakpoint
CREATE INDEX agreement_lines_catalog_idx ON agreement_lines (tenant_id, product_key, id);
--> statement-breakpoint
-- Backfill from what is already stored: the newest period per account and service.
INSERT INTO latest_counts (tenant_id, account_id, service_id, measure, period, quantity, cost_minor, cost_currency, observed_at, source_kind, source_ref)
SELECT u.tenant_id, u.account_id, u.service_id, u.measure, u.period, u.quantity, u.cost_minor, u.cost_currency, u.observed_at, u.source_kind, u.source_ref
FROM usage_counts AS u
WHERE u.period = (SELECT max(v.period) FROM usage_counts AS v
                  WHERE v.tenant_id = u.tenant_id AND v.account_id = u.account_id AND v.service_id = u.service_id AND v.measure = u.measure);
--> statement-breakpoint
INSERT INTO service_stats (tenant_id, service_id, reporting, ones)
SELECT tenant_id, service_id, count(*), sum(quantity = '1') FROM latest_counts WHERE measure = 'total' GROUP BY tenant_id, service_id;
--> statement-breakpoint
INSERT INTO recon_scopes (tenant_id, scope, dirty_seq)
SELECT DISTINCT tenant_id, company_id, 1 FROM agreements
UNION SELECT DISTINCT lc.tenant_id, coalesce(m.company_id, 'account:' || lc.account_id), 1
FROM latest_counts AS lc LEFT JOIN account_mappings AS m ON m.tenant_id = lc.tenant_id AND m.account_id = lc.account_id;
--> statement-breakpoint
-- ── latest_counts follows usage_counts ─────────────────────────────────────
-- usage_counts holds one row per period, so the latest is simply the row of
-- the greatest period; a re-delivered count of that period replaces it.
CREATE TRIGGER usage_counts_latest_ins AFTER INSERT ON usage_counts
BEGIN
  INSERT INTO latest_counts (tenant_id, account_id, service_id, measure, period, quantity, cost_minor, cost_currency, observed_at, source_kind, source_ref)
  SELECT NEW.tenant_id, NEW.account_id, NEW.service_id, NEW.measure, NEW.period, NEW.quantity, NEW.cost_minor, NEW.cost_currency, NEW.observed_at, NEW.source_kind, NEW.source_ref
  WHERE NOT EXISTS (SELECT 1 FROM latest_counts WHERE tenant_id = NEW.tenant_id AND account_id = NEW.account_id AND service_id = NEW.service_id AND measure = NEW.measure);
  UPDATE latest_counts SET period = NEW.period, quantity = NEW.quantity, cost_minor = NEW.cost_minor, cost_currency = NEW.cost_currency,
    observed_at = NEW.observed_at, source_kind = NEW.source_kind, source_ref = NEW.source_ref
  WHERE tenant_id = NEW.tenant_id AND account_id = NEW.account_id AND service_id = NEW.service_id AND measure = NEW.measure AND period <= NEW.period
    AND (period, quantity, observed_at, source_ref, cost_minor IS NEW.cost_minor, cost_currency IS NEW.cost_currency)
        IS NOT (NEW.period, NEW.quantity, NEW.observed_at, NEW.source_ref, 1, 1);
END;
--> statement-breakpoint
CREATE TRIGGER usage_counts_latest_upd AFTER UPDATE ON usage_counts
BEGIN
  UPDATE latest_counts SET period = NEW.period, quantity = NEW.quantity, cost_minor = NEW.cost_minor, cost_currency = NEW.cost_currency,
    observed_at = NEW.observed_at, source_kind = NEW.source_kind, source_ref = NEW.source_ref
  WHERE tenant_id = NEW.tenant_id AND account_id = NEW.account_id AND service_id = NEW.service_id AND measure = NEW.measure AND period <= NEW.period
    AND (period, quantity, observed_at, source_ref, cost_minor IS NEW.cost_minor, cost_currency IS NEW.cost_currency)
        IS NOT (NEW.period, NEW.quantity, NEW.observed_at, NEW.source_ref, 1, 1);
END;
--> statement-breakpoint
-- ── service_stats and dirty scopes follow latest_counts ─────────────────────
CREATE TRIGGER latest_counts_ins AFTER INSERT ON latest_counts
BEGIN
  -- The suspect rule reads the vendor's own count of the service: measure total.
  INSERT INTO service_stats (tenant_id, service_id) SELECT NEW.tenant_id, NEW.service_id
  WHERE NEW.measure = 'total' AND NOT EXISTS (SELECT 1 FROM service_stats WHERE tenant_id = NEW.tenant_id AND service_id = NEW.service_id);
  UPDATE service_stats SET reporting = reporting + 1, ones = ones + (NEW.quantity = '1')
  WHERE tenant_id = NEW.tenant_id AND service_id = NEW.service_id AND NEW.measure = 'total';
  INSERT INTO recon_scopes (tenant_id, scope)
  SELECT NEW.tenant_id, s.scope FROM (SELECT coalesce((SELECT company_id FROM account_mappings WHERE tenant_id = NEW.tenant_id AND account_id = NEW.account_id),
    'account:' || NEW.account_id) AS scope) AS s
  WHERE NOT EXISTS (SELECT 1 FROM recon_scopes WHERE tenant_id = NEW.tenant_id AND scope = s.scope);
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id
    AND scope = coalesce((SELECT company_id FROM account_mappings WHERE tenant_id = NEW.tenant_id AND account_id = NEW.account_id), 'account:' || NEW.account_id);
END;
--> statement-breakpoint
CREATE TRIGGER latest_counts_upd AFTER UPDATE ON latest_counts
BEGIN
  UPDATE service_stats SET ones = ones + (NEW.quantity = '1') - (OLD.quantity = '1')
  WHERE tenant_id = NEW.tenant_id AND service_id = NEW.service_id AND NEW.measure = 'total' AND (NEW.quantity = '1') != (OLD.quantity = '1');
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id
    AND scope = coalesce((SELECT company_id FROM account_mappings WHERE tenant_id = NEW.tenant_id AND account_id = NEW.account_id), 'account:' || NEW.account_id);
END;
--> statement-breakpoint
-- When a service turns suspect or stops being suspect (or the number of
-- accounts named in the reason changes), every row fed by it changes.
CREATE TRIGGER service_stats_signature AFTER UPDATE ON service_stats
WHEN (CASE WHEN OLD.reporting >= 2 AND OLD.ones = OLD.reporting THEN OLD.reporting ELSE 0 END)
  != (CASE WHEN NEW.reporting >= 2 AND NEW.ones = NEW.reporting THEN NEW.reporting ELSE 0 END)
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id AND scope IN (SELECT scope FROM service_scopes WHERE tenant_id = NEW.tenant_id AND service_id = NEW.service_id AND measure = 'total');
END;
--> statement-breakpoint
-- ── mappings ────────────────────────────────────────────────────────────────
CREATE TRIGGER account_mappings_ins AFTER INSERT ON account_mappings
BEGIN
  INSERT INTO recon_scopes (tenant_id, scope) SELECT NEW.tenant_id, NEW.company_id
  WHERE NOT EXISTS (SELECT 1 FROM recon_scopes WHERE tenant_id = NEW.tenant_id AND scope = NEW.company_id);
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id AND scope IN (NEW.company_id, 'account:' || NEW.account_id);
END;
--> statement-breakpoint
CREATE TRIGGER account_mappings_upd AFTER UPDATE ON account_mappings
WHEN OLD.company_id IS NOT NEW.company_id OR OLD.agreement_id IS NOT NEW.agreement_id OR OLD.account_id IS NOT NEW.account_id
BEGIN
  INSERT INTO recon_scopes (tenant_id, scope) SELECT NEW.tenant_id, NEW.company_id
  WHERE NOT EXISTS (SELECT 1 FROM recon_scopes WHERE tenant_id = NEW.tenant_id AND scope = NEW.company_id);
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id AND scope IN (OLD.company_id, NEW.company_id, 'account:' || OLD.account_id, 'account:' || NEW.account_id);
END;
--> statement-breakpoint
CREATE TRIGGER account_mappings_del AFTER DELETE ON account_mappings
BEGIN
  INSERT INTO recon_scopes (tenant_id, scope) SELECT OLD.tenant_id, 'account:' || OLD.account_id
  WHERE NOT EXISTS (SELECT 1 FROM recon_scopes WHERE tenant_id = OLD.tenant_id AND scope = 'account:' || OLD.account_id);
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = OLD.tenant_id AND scope IN (OLD.company_id, 'account:' || OLD.account_id);
END;
--> statement-breakpoint
CREATE TRIGGER service_mappings_ins AFTER INSERT ON service_mappings
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id AND scope IN (SELECT scope FROM service_scopes WHERE tenant_id = NEW.tenant_id AND service_id = NEW.service_id);
END;
--> statement-breakpoint
CREATE TRIGGER service_mappings_del AFTER DELETE ON service_mappings
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = OLD.tenant_id AND scope IN (SELECT scope FROM service_scopes WHERE tenant_id = OLD.tenant_id AND service_id = OLD.service_id);
END;
--> statement-breakpoint
-- ── the PSA side ────────────────────────────────────────────────────────────
CREATE TRIGGER agreements_ins AFTER INSERT ON agreements
BEGIN
  INSERT INTO recon_scopes (tenant_id, scope) SELECT NEW.tenant_id, NEW.company_id
  WHERE NOT EXISTS (SELECT 1 FROM recon_scopes WHERE tenant_id = NEW.tenant_id AND scope = NEW.company_id);
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1 WHERE tenant_id = NEW.tenant_id AND scope = NEW.company_id;
END;
--> statement-breakpoint
-- A full sync rewrites every agreement; only a change the engine reads marks anything.
CREATE TRIGGER agreements_upd AFTER UPDATE ON agreements
WHEN (OLD.company_id, OLD.name, OLD.type, OLD.status, OLD.billing_cycle, OLD.start_date IS NEW.start_date, OLD.end_date IS NEW.end_date,
      OLD.cancelled, OLD.flat_rate, OLD.currency)
  IS NOT (NEW.company_id, NEW.name, NEW.type, NEW.status, NEW.billing_cycle, 1, 1, NEW.cancelled, NEW.flat_rate, NEW.currency)
BEGIN
  INSERT INTO recon_scopes (tenant_id, scope) SELECT NEW.tenant_id, NEW.company_id
  WHERE NOT EXISTS (SELECT 1 FROM recon_scopes WHERE tenant_id = NEW.tenant_id AND scope = NEW.company_id);
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1 WHERE tenant_id = NEW.tenant_id AND scope IN (OLD.company_id, NEW.company_id);
  -- Rows elsewhere priced from a line of this agreement take its billing cycle.
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id AND OLD.billing_cycle != NEW.billing_cycle AND scope IN (
    SELECT r.scope FROM recon_rows AS r
    WHERE r.tenant_id = NEW.tenant_id AND r.needs_catalog = 1
      AND r.product_key IN (SELECT product_key FROM agreement_lines WHERE tenant_id = NEW.tenant_id AND agreement_id = NEW.id));
END;
--> statement-breakpoint
CREATE TRIGGER agreement_lines_ins AFTER INSERT ON agreement_lines
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id AND (
    scope = (SELECT company_id FROM agreements WHERE id = NEW.agreement_id)
    OR scope IN (SELECT scope FROM recon_rows WHERE tenant_id = NEW.tenant_id AND needs_catalog = 1 AND product_key = NEW.product_key));
END;
--> statement-breakpoint
CREATE TRIGGER agreement_lines_upd AFTER UPDATE ON agreement_lines
WHEN (OLD.agreement_id, OLD.product_key, OLD.product_name, OLD.quantity, OLD.less_included, OLD.unit_price_minor, OLD.unit_cost_minor,
      OLD.currency, OLD.bill_customer, OLD.effective_date IS NEW.effective_date, OLD.cancelled_date IS NEW.cancelled_date)
  IS NOT (NEW.agreement_id, NEW.product_key, NEW.product_name, NEW.quantity, NEW.less_included, NEW.unit_price_minor, NEW.unit_cost_minor,
      NEW.currency, NEW.bill_customer, 1, 1)
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id AND (
    scope IN ((SELECT company_id FROM agreements WHERE id = NEW.agreement_id), (SELECT company_id FROM agreements WHERE id = OLD.agreement_id))
    OR scope IN (SELECT scope FROM recon_rows WHERE tenant_id = NEW.tenant_id AND needs_catalog = 1 AND product_key IN (OLD.product_key, NEW.product_key)));
END;
--> statement-breakpoint
CREATE TRIGGER agreement_lines_del AFTER DELETE ON agreement_lines
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = OLD.tenant_id AND (
    scope = (SELECT company_id FROM agreements WHERE id = OLD.agreement_id)
    OR scope IN (SELECT scope FROM recon_rows WHERE tenant_id = OLD.tenant_id AND needs_catalog = 1 AND product_key = OLD.product_key));
END;
--> statement-breakpoint
CREATE TRIGGER psa_companies_upd AFTER UPDATE OF name ON psa_companies
WHEN OLD.name IS NOT NEW.name
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1 WHERE tenant_id = NEW.tenant_id AND scope = NEW.id;
END;
--> statement-breakpoint
-- ── vendor names, categories and the tenant's threshold ────────────────────
CREATE TRIGGER vendor_accounts_upd AFTER UPDATE ON vendor_accounts
WHEN OLD.name IS NOT NEW.name OR OLD.integration_id IS NOT NEW.integration_id
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id
    AND scope = coalesce((SELECT company_id FROM account_mappings WHERE tenant_id = NEW.tenant_id AND account_id = NEW.id), 'account:' || NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER vendor_services_upd AFTER UPDATE ON vendor_services
WHEN OLD.name IS NOT NEW.name OR OLD.category IS NOT NEW.category OR OLD.integration_id IS NOT NEW.integration_id
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id AND scope IN (SELECT scope FROM service_scopes WHERE tenant_id = NEW.tenant_id AND service_id = NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER tenants_stale_upd AFTER UPDATE OF stale_after_hours ON tenants
WHEN OLD.stale_after_hours IS NOT NEW.stale_after_hours
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1 WHERE tenant_id = NEW.id;
END;
