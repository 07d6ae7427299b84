/**
 * Auto-mapping of vendor accounts to PSA companies (src/core/usage/name-match.ts):
 * a confident, unambiguous match (≥ 90) is applied as method "auto" with its
 * confidence; anything lower is only suggested (computed on read by the
 * unmapped listing). An auto mapping never replaces an existing mapping —
 * manual or auto — and each one applied is audited in the same batch.
 * Runs after every ingestion that created accounts, on demand, and nightly.
 */
import { type MatchDecision, prepareCandidates, rankMatches } from "../../core/usage/name-match.ts";
import type { Db } from "../../db/client.ts";
import { auditIfInsertedStatement, insertAutoMappingStatement, listCompanies, listUnmappedAccounts, type UnmappedAccountRow } from "../../db/repos/ingest-mappings.ts";
import { changesOf, runBatch, type Statement } from "../../db/repos/ingest-ledger.ts";
import { newId } from "../secrets.ts";

export const AUTO_MATCH_ACTOR = "system:auto-match";
/** Statements per D1 batch (two per mapping). */
const BATCH_STATEMENTS = 200;

export interface AutoMapResult {
  considered: number;
  applied: number;
}

export async function autoMapNewAccounts(db: Db, tenantId: string, accountIds: readonly string[], now: Date): Promise<AutoMapResult> {
  if (accountIds.length === 0) return { considered: 0, applied: 0 };
  return autoMapAccounts(db, tenantId, now, accountIds);
}

export async function autoMapAccounts(db: Db, tenantId: string, now: Date, onlyIds?: readonly string[]): Promise<AutoMapResult> {
  const [accounts, companies] = await Promise.all([listUnmappedAccounts(db, tenantId, onlyIds), listCompanies(db, tenantId)]);
  if (accounts.length === 0 || companies.length === 0) return { considered: accounts.length, applied: 0 };
  const prepared = prepareCandidates(companies);
  const at = now.toISOString();
  const statements: Statement[] = [];
  for (const account of accounts) {
    const decision = decideAccount(account, prepared);
    if (!decision.apply) continue;
    const mappingId = newId("amap");
    const { id: companyId, confidence, reason } = decision.apply;
    statements.push(
      insertAutoMappingStatement(db, { id: mappingId, tenantId, accountId: account.accountId, companyId, agreementId: null, method: "auto", confidence, createdBy: AUTO_MATCH_ACTOR, createdAt: at }),
      auditIfInsertedStatement(db, "account_mappings", mappingId, {
        tenantId, at, actor: AUTO_MATCH_ACTOR, action: "mapping.account.auto", entityType: "vendor_account", entityId: account.accountId,
        details: { companyId, confidence, reason, accountName: account.name },
      }),
    );
  }
  let applied = 0;
  for (let i = 0; i < statements.length; i += BATCH_STATEMENTS) {
    const chunk = statements.slice(i, i + BATCH_STATEMENTS);
    const results = await runBatch(db, chunk);
    // Even positions are the mapping inserts; a conflict (already mapped) changes nothing.
    results.forEach((result, j) => {
      if (j % 2 === 0) applied += changesOf(result);
    });
  }
  return { considered: accounts.length, applied };
}

export function decideAccount(account: UnmappedAccountRow, companies: ReturnType<typeof prepareCandidates>): MatchDecision {
  return rankMatches({ name: account.name, hints: [account.description, account.externalId, account.name] }, companies);
}
