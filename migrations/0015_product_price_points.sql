-- Price points per product (issue 8: tenant-wide rules read small aggregates kept
-- with the data, never a tenant rescan). A row whose product has no line of its
-- own is priced from the product's most common current price
-- (core/reconcile/tenant-index.ts chooseEstimate). That read every billable line
-- of the product in the tenant on each recompute (about 300 rows per decision at
-- 1,000 customers); these are the product's distinct price points with their
-- line counts, kept by the triggers below in the same transaction as the line.
-- Key columns hold '' for a NULL exact price or a missing agreement, and the
-- cancel day '~' for a line not cancelled ('~' sorts after every date, so the
-- read keeps `cancelled_day > today` exactly like the line filter it replaces).
CREATE TABLE product_price_points (
  tenant_id TEXT NOT NULL,
  product_key TEXT NOT NULL,
  product_name TEXT NOT NULL,
  unit_price_minor INTEGER NOT NULL,
  unit_cost_minor INTEGER NOT NULL,
  unit_price TEXT NOT NULL,
  unit_cost TEXT NOT NULL,
  currency TEXT NOT NULL,
  billing_cycle TEXT NOT NULL,
  cancelled_day TEXT NOT NULL,
  lines INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, product_key, product_name, unit_price_minor, unit_cost_minor, unit_price, unit_cost, currency, billing_cycle, cancelled_day)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO product_price_points
SELECT l.tenant_id, l.product_key, l.product_name, l.unit_price_minor, l.unit_cost_minor, coalesce(l.unit_price, ''), coalesce(l.unit_cost, ''), l.currency,
       coalesce((SELECT a.billing_cycle FROM agreements AS a WHERE a.id = l.agreement_id), ''), coalesce(substr(l.cancelled_date, 1, 10), '~'), count(*)
FROM agreement_lines AS l WHERE l.bill_customer = 'Billable'
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
--> statement-breakpoint
CREATE TRIGGER product_price_points_line_ins AFTER INSERT ON agreement_lines
WHEN NEW.bill_customer = 'Billable'
BEGIN
  INSERT INTO product_price_points VALUES (NEW.tenant_id, NEW.product_key, NEW.product_name, NEW.unit_price_minor, NEW.unit_cost_minor,
    coalesce(NEW.unit_price, ''), coalesce(NEW.unit_cost, ''), NEW.currency,
    coalesce((SELECT billing_cycle FROM agreements WHERE id = NEW.agreement_id), ''), coalesce(substr(NEW.cancelled_date, 1, 10), '~'), 1)
  ON CONFLICT (tenant_id, product_key, product_name, unit_price_minor, unit_cost_minor, unit_price, unit_cost, currency, billing_cycle, cancelled_day)
  DO UPDATE SET lines = lines + 1;
END;
--> statement-breakpoint
CREATE TRIGGER product_price_points_line_del AFTER DELETE ON agreement_lines
WHEN OLD.bill_customer = 'Billable'
BEGIN
  UPDATE product_price_points SET lines = lines - 1
  WHERE tenant_id = OLD.tenant_id AND product_key = OLD.product_key AND product_name = OLD.product_name
    AND unit_price_minor = OLD.unit_price_minor AND unit_cost_minor = OLD.unit_cost_minor
    AND unit_price = coalesce(OLD.unit_price, '') AND unit_cost = coalesce(OLD.unit_cost, '') AND currency = OLD.currency
    AND billing_cycle = coalesce((SELECT billing_cycle FROM agreements WHERE id = OLD.agreement_id), '')
    AND cancelled_day = coalesce(substr(OLD.cancelled_date, 1, 10), '~');
  DELETE FROM product_price_points WHERE tenant_id = OLD.tenant_id AND product_key = OLD.product_key AND lines <= 0;
END;
--> statement-breakpoint
-- A full sync rewrites every line: only a change to a key column moves a count.
CREATE TRIGGER product_price_points_line_upd AFTER UPDATE ON agreement_lines
WHEN (OLD.agreement_id, OLD.product_key, OLD.product_name, OLD.unit_price_minor, OLD.unit_cost_minor, OLD.currency, OLD.bill_customer,
      OLD.unit_price IS NEW.unit_price, OLD.unit_cost IS NEW.unit_cost, substr(OLD.cancelled_date, 1, 10) IS substr(NEW.cancelled_date, 1, 10))
  IS NOT (NEW.agreement_id, NEW.product_key, NEW.product_name, NEW.unit_price_minor, NEW.unit_cost_minor, NEW.currency, NEW.bill_customer, 1, 1, 1)
BEGIN
  UPDATE product_price_points SET lines = lines - 1
  WHERE OLD.bill_customer = 'Billable' AND tenant_id = OLD.tenant_id AND product_key = OLD.product_key AND product_name = OLD.product_name
    AND unit_price_minor = OLD.unit_price_minor AND unit_cost_minor = OLD.unit_cost_minor
    AND unit_price = coalesce(OLD.unit_price, '') AND unit_cost = coalesce(OLD.unit_cost, '') AND currency = OLD.currency
    AND billing_cycle = coalesce((SELECT billing_cycle FROM agreements WHERE id = OLD.agreement_id), '')
    AND cancelled_day = coalesce(substr(OLD.cancelled_date, 1, 10), '~');
  DELETE FROM product_price_points WHERE tenant_id = OLD.tenant_id AND product_key = OLD.product_key AND lines <= 0;
  INSERT INTO product_price_points SELECT NEW.tenant_id, NEW.product_key, NEW.product_name, NEW.unit_price_minor, NEW.unit_cost_minor,
    coalesce(NEW.unit_price, ''), coalesce(NEW.unit_cost, ''), NEW.currency,
    coalesce((SELECT billing_cycle FROM agreements WHERE id = NEW.agreement_id), ''), coalesce(substr(NEW.cancelled_date, 1, 10), '~'), 1
  WHERE NEW.bill_customer = 'Billable'
  ON CONFLICT (tenant_id, product_key, product_name, unit_price_minor, unit_cost_minor, unit_price, unit_cost, currency, billing_cycle, cancelled_day)
  DO UPDATE SET lines = lines + 1;
END;
--> statement-breakpoint
-- An agreement's billing cycle is part of each of its lines' points: a change moves
-- them. (A line cannot arrive before its agreement: D1 enforces the foreign key.)
CREATE TRIGGER product_price_points_cycle_upd AFTER UPDATE OF billing_cycle ON agreements
WHEN OLD.billing_cycle IS NOT NEW.billing_cycle
BEGIN
  UPDATE product_price_points SET lines = lines - (
    SELECT count(*) FROM agreement_lines AS l
    WHERE l.tenant_id = NEW.tenant_id AND l.agreement_id = NEW.id AND l.bill_customer = 'Billable' AND l.product_key = product_price_points.product_key
      AND l.product_name = product_price_points.product_name AND l.unit_price_minor = product_price_points.unit_price_minor AND l.unit_cost_minor = product_price_points.unit_cost_minor
      AND coalesce(l.unit_price, '') = product_price_points.unit_price AND coalesce(l.unit_cost, '') = product_price_points.unit_cost AND l.currency = product_price_points.currency
      AND coalesce(substr(l.cancelled_date, 1, 10), '~') = product_price_points.cancelled_day)
  WHERE product_price_points.tenant_id = NEW.tenant_id AND product_price_points.billing_cycle = OLD.billing_cycle
    AND product_price_points.product_key IN (SELECT product_key FROM agreement_lines WHERE tenant_id = NEW.tenant_id AND agreement_id = NEW.id);
  DELETE FROM product_price_points WHERE tenant_id = NEW.tenant_id AND lines <= 0
    AND product_key IN (SELECT product_key FROM agreement_lines WHERE tenant_id = NEW.tenant_id AND agreement_id = NEW.id);
  INSERT INTO product_price_points
  SELECT l.tenant_id, l.product_key, l.product_name, l.unit_price_minor, l.unit_cost_minor, coalesce(l.unit_price, ''), coalesce(l.unit_cost, ''), l.currency,
         NEW.billing_cycle, coalesce(substr(l.cancelled_date, 1, 10), '~'), count(*)
  FROM agreement_lines AS l WHERE l.tenant_id = NEW.tenant_id AND l.agreement_id = NEW.id AND l.bill_customer = 'Billable'
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  ON CONFLICT (tenant_id, product_key, product_name, unit_price_minor, unit_cost_minor, unit_price, unit_cost, currency, billing_cycle, cancelled_day)
  DO UPDATE SET lines = lines + excluded.lines;
END;
