/**
 * "Not a customer / ignore" for a vendor account (issue 9 §3): its usage
 * leaves every agreement and unmapped view and is listed only in the
 * tenant-wide ignored list, until un-ignored. Both directions are audited in
 * the same batch as the change.
 */
import type { Db } from "../../db/client.ts";
import { auditStatement } from "../../db/repos/audit.ts";
import { listIgnoredAccounts, setIgnoredStatement } from "../../db/repos/ignored-accounts.ts";
import { findVendorAccount } from "../../db/repos/ingest-mappings.ts";
import { runBatch } from "../../db/repos/ingest-ledger.ts";
import type { TenantPrincipal } from "../../env.ts";
import { AppError } from "../../errors.ts";
import type { IgnoredAccountsResponse } from "../../shared/api-types.ts";

export async function setAccountIgnored(db: Db, who: TenantPrincipal, accountId: string, ignored: boolean, now: Date): Promise<void> {
  const account = await findVendorAccount(db, who.tenantId, accountId);
  if (!account) throw new AppError("not_found", "accountId: vendor account not found");
  if ((account.ignoredAt !== null) === ignored) return; // already so: idempotent
  const at = now.toISOString();
  await runBatch(db, [
    setIgnoredStatement(db, who.tenantId, accountId, ignored ? at : null, ignored ? who.actor : null),
    auditStatement(db, {
      tenantId: who.tenantId, at, actor: who.actor, action: ignored ? "mapping.account.ignored" : "mapping.account.unignored",
      entityType: "vendor_account", entityId: accountId, details: { accountName: account.name },
    }),
  ]);
}

export async function ignoredAccounts(db: Db, tenantId: string): Promise<IgnoredAccountsResponse> {
  return { accounts: await listIgnoredAccounts(db, tenantId) };
}
