-- Count rules (issue 12): a service → product mapping carries the rule that
-- turns the mapped count into the billed count (JSON, core/reconcile/count-rules.ts;
-- NULL = the count as it is). Changing a rule marks every scope fed by the service.
ALTER TABLE service_mappings ADD COLUMN rule TEXT;
--> statement-breakpoint
CREATE TRIGGER service_mappings_rule_upd AFTER UPDATE OF rule ON service_mappings
WHEN OLD.rule IS NOT NEW.rule
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id AND scope IN (SELECT scope FROM service_scopes WHERE tenant_id = NEW.tenant_id AND service_id = NEW.service_id);
END;
--> statement-breakpoint
-- Arrears calendars (issue 12): which period an integration's counts cover and from which day it
-- is complete (JSON, core/reconcile/calendar.ts; NULL = the kind's default: Pax8 consumption is
-- last month's, complete after the 5th; everything else reports the current month).
ALTER TABLE vendor_integrations ADD COLUMN calendar TEXT;
--> statement-breakpoint
CREATE TRIGGER vendor_integrations_calendar_upd AFTER UPDATE OF calendar ON vendor_integrations
WHEN OLD.calendar IS NOT NEW.calendar
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id AND scope IN (
    SELECT coalesce(m.company_id, 'account:' || a.id) FROM vendor_accounts AS a
    LEFT JOIN account_mappings AS m ON m.tenant_id = a.tenant_id AND m.account_id = a.id
    WHERE a.tenant_id = NEW.tenant_id AND a.integration_id = NEW.id);
END;
