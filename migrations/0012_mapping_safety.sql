-- Mapping safety (issue 9 §3): "Not a customer / ignore" for a vendor account.
-- An ignored account's usage shows nowhere but the tenant's ignored list: the
-- recompute skips it (src/db/repos/recon-input.ts) and the unmapped listing
-- leaves it out. Reversible: clearing ignored_at brings it back.
ALTER TABLE vendor_accounts ADD COLUMN ignored_at TEXT;
--> statement-breakpoint
ALTER TABLE vendor_accounts ADD COLUMN ignored_by TEXT;
--> statement-breakpoint
-- Ignoring or un-ignoring marks the scope holding the account's rows dirty
-- (its company's when mapped, else its own `account:` scope).
CREATE TRIGGER vendor_accounts_ignored_upd AFTER UPDATE OF ignored_at ON vendor_accounts
WHEN OLD.ignored_at IS NOT NEW.ignored_at
BEGIN
  INSERT INTO recon_scopes (tenant_id, scope) SELECT NEW.tenant_id, 'account:' || NEW.id
  WHERE NOT EXISTS (SELECT 1 FROM account_mappings WHERE tenant_id = NEW.tenant_id AND account_id = NEW.id)
    AND NOT EXISTS (SELECT 1 FROM recon_scopes WHERE tenant_id = NEW.tenant_id AND scope = 'account:' || NEW.id);
  UPDATE recon_scopes SET dirty_seq = dirty_seq + 1
  WHERE tenant_id = NEW.tenant_id
    AND scope = coalesce((SELECT company_id FROM account_mappings WHERE tenant_id = NEW.tenant_id AND account_id = NEW.id), 'account:' || NEW.id);
END;
--> statement-breakpoint
-- Display names of the people who act in the pod (issue 9 §2: actors show as
-- names, not `member:jsmith`): a ConnectWise member's first and last name from
-- /system/myMembers/info at sign-in. Tenant users' names are in tenant_users.
CREATE TABLE pod_people (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  actor TEXT NOT NULL,
  display_name TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, actor)
);
