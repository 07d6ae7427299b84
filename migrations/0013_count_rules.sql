-- Count rules (issue 12): a service → product mapping carries the rule that
-- turns the mapped count into the billed count (JSON, core/reconcile/count-rules.ts;
-- NULL = the count as it is). Changing a rule marks every scope fed by the service.
ALTER TABLE service_mappings ADD COLUMN rule TEXT;
--> statement-breakpoint
CREATE TRIGGER service_mappings_rule_upd AFTER UPDATE OF rule ON service_mappings
WHEN OLD.rule IS NOT NEW.rule
BEGIN
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id AND scope IN (
    SELECT coalesce(m.company_id, 'account:' || lc.account_id) FROM latest_counts AS lc
    LEFT JOIN account_mappings AS m ON m.tenant_id = lc.tenant_id AND m.account_id = lc.account_id
    WHERE lc.tenant_id = NEW.tenant_id AND lc.service_id = NEW.service_id);
END;
