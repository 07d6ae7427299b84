-- Exact PSA prices (issue 9): ConnectWise unit prices and costs carry more
-- than two decimals ($1.995). unit_price / unit_cost keep the PSA's exact
-- decimal (major units, TEXT); unit_price_minor / unit_cost_minor stay as the
-- rounded display figure. NULL = the minor units are exact (rows synced before).
ALTER TABLE agreement_lines ADD COLUMN unit_price TEXT;
--> statement-breakpoint
ALTER TABLE agreement_lines ADD COLUMN unit_cost TEXT;
--> statement-breakpoint
-- The engine reads the exact price now: a change to it must mark the company dirty too.
DROP TRIGGER agreement_lines_upd;
--> statement-breakpoint
CREATE TRIGGER agreement_lines_upd AFTER UPDATE ON agreement_lines
WHEN (OLD.agreement_id, OLD.product_key, OLD.product_name, OLD.quantity, OLD.less_included, OLD.unit_price_minor, OLD.unit_cost_minor,
      OLD.currency, OLD.bill_customer, OLD.effective_date IS NEW.effective_date, OLD.cancelled_date IS NEW.cancelled_date,
      OLD.unit_price IS NEW.unit_price, OLD.unit_cost IS NEW.unit_cost)
  IS NOT (NEW.agreement_id, NEW.product_key, NEW.product_name, NEW.quantity, NEW.less_included, NEW.unit_price_minor, NEW.unit_cost_minor,
      NEW.currency, NEW.bill_customer, 1, 1, 1, 1)
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id AND (
    scope IN ((SELECT company_id FROM agreements WHERE id = NEW.agreement_id), (SELECT company_id FROM agreements WHERE id = OLD.agreement_id))
    OR scope IN (SELECT scope FROM recon_rows WHERE tenant_id = NEW.tenant_id AND needs_catalog = 1 AND product_key IN (OLD.product_key, NEW.product_key)));
END;
--> statement-breakpoint
-- Dismissals (issue 9): a dismissed row leaves the totals until the vendor count
-- changes or its billing period ends. The decision keeps the vendor figure it
-- was made against; the persisted row says whether it is dismissed.
ALTER TABLE decisions ADD COLUMN vendor_quantity TEXT;
--> statement-breakpoint
ALTER TABLE recon_rows ADD COLUMN dismissed INTEGER NOT NULL DEFAULT 0;
--> statement-breakpoint
CREATE TRIGGER decisions_dismiss_ins AFTER INSERT ON decisions
WHEN NEW.action IN ('dismiss', 'revert')
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id AND scope = (SELECT company_id FROM agreements WHERE id = NEW.agreement_id);
END;
--> statement-breakpoint
-- Whether a ConnectWise agreement prorates decides how a change is written and what is previewed.
CREATE TRIGGER psa_agreement_state_prorate AFTER UPDATE OF allows_effective_date ON psa_agreement_state
WHEN OLD.allows_effective_date IS NOT NEW.allows_effective_date
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id AND scope = (SELECT company_id FROM agreements WHERE id = NEW.agreement_id);
END;
--> statement-breakpoint
CREATE TRIGGER psa_agreement_state_prorate_ins AFTER INSERT ON psa_agreement_state
WHEN NEW.allows_effective_date
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id AND scope = (SELECT company_id FROM agreements WHERE id = NEW.agreement_id);
END;
