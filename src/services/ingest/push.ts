/**
 * The batch usage API: validate every count, then — in one D1 batch, so a
 * push lands whole or not at all — record the push (its Idempotency-Key is
 * UNIQUE per tenant), append the counts to the ledger, apply them, and tally
 * how many became the stored figure. A count equal to the stored figure is
 * acknowledged (`unchanged`) without a ledger row; one observed more than
 * LATE_AFTER_DAYS ago is applied and counted under `late`. A replay of the
 * same key with the same body returns the first result; with another body it
 * is a 409.
 */
import { type PushItem, toPushDrafts } from "../../core/usage/push-counts.ts";
import type { Db } from "../../db/client.ts";
import { ensureIntegrationStatement, findIntegration } from "../../db/repos/ingest-integrations.ts";
import { applyStatements, createdAccountIds, logStatements, runBatch } from "../../db/repos/ingest-ledger.ts";
import { findPush, findPushByKey, insertPushStatement, type PushRow, tallyAppliedStatement } from "../../db/repos/ingest-pushes.ts";
import type { TenantPrincipal } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { newId, sha256Hex } from "../secrets.ts";
import { autoMapNewAccounts } from "./auto-map.ts";

export const MAX_COUNTS_PER_PUSH = 10_000;
const PUSHABLE_KINDS = new Set(["batch", "vendor-api", "csv"]);

export interface PushInput {
  integrationId?: string | undefined;
  counts: PushItem[];
}

export interface PushResult {
  pushId: string;
  integrationId: string;
  received: number;
  applied: number;
  /** Equal to the stored figure: acknowledged, no ledger row written. */
  unchanged: number;
  olderIgnored: number;
  /** observedAt older than LATE_AFTER_DAYS: applied and marked late on the ledger row. */
  late: number;
}

export interface PushOutcome {
  result: PushResult;
  replayed: boolean;
}

export async function pushCounts(db: Db, who: TenantPrincipal, input: PushInput, rawBody: string, idempotencyKey: string | null, now: Date): Promise<PushOutcome> {
  const bodyHash = await sha256Hex(rawBody);
  if (idempotencyKey) {
    const earlier = await findPushByKey(db, who.tenantId, idempotencyKey);
    if (earlier) return replay(earlier, bodyHash);
  }
  const pushId = newId("psh");
  const drafts = toPushDrafts(input.counts, pushId, now, "body.counts");
  if (!drafts.ok) throw new AppError("validation_failed", drafts.error.join("; "));
  const integrationId = await resolveIntegration(db, who, input.integrationId);
  const at = now.toISOString();
  const source = { tenantId: who.tenantId, integrationId, sourceKind: "push" as const, sourceId: pushId, receivedAt: at };
  const push = { id: pushId, tenantId: who.tenantId, integrationId, sourceKind: "push", idempotencyKey, bodyHash, actor: who.actor, countsReceived: drafts.value.length, countsLate: drafts.value.filter((d) => d.late).length, receivedAt: at };
  const logs = logStatements(db, source, drafts.value, { skipUnchanged: true });
  let createdIds: string[];
  try {
    const fallback = defaultBatchIntegration(who.tenantId, at);
    const ensure = integrationId === fallback.id ? [ensureIntegrationStatement(db, fallback)] : [];
    const results = await runBatch(db, [
      ...ensure,
      insertPushStatement(db, push),
      ...logs,
      ...applyStatements(db, { tenantId: who.tenantId, integrationId, sourceId: pushId, now: at }),
      tallyAppliedStatement(db, who.tenantId, pushId),
    ]);
    createdIds = createdAccountIds(results[ensure.length + 1 + logs.length]);
  } catch (error) {
    if (idempotencyKey && isUniqueViolation(error)) {
      const winner = await findPushByKey(db, who.tenantId, idempotencyKey);
      if (winner) return replay(winner, bodyHash);
    }
    throw error;
  }
  const stored = await findPush(db, who.tenantId, pushId);
  if (!stored) throw new Error(`push ${pushId} missing after commit`);
  await autoMapNewAccounts(db, who.tenantId, createdIds, now);
  return { result: toResult(stored), replayed: false };
}

function replay(earlier: PushRow, bodyHash: string): PushOutcome {
  if (earlier.bodyHash !== bodyHash) {
    throw new AppError("conflict", "Idempotency-Key was already used with a different request body");
  }
  return { result: toResult(earlier), replayed: true };
}

function toResult(row: PushRow): PushResult {
  return {
    pushId: row.id,
    integrationId: row.integrationId,
    received: row.countsReceived,
    applied: row.countsApplied,
    unchanged: row.countsUnchanged,
    olderIgnored: row.countsReceived - row.countsApplied - row.countsUnchanged,
    late: row.countsLate,
  };
}

/** The tenant's "Batch API" integration: deterministic id, created on first use. */
export function defaultBatchIntegration(tenantId: string, at: string) {
  return { id: `int_batch_${tenantId}`, tenantId, kind: "batch", name: "Batch API", status: "active", config: null, createdAt: at };
}

async function resolveIntegration(db: Db, who: TenantPrincipal, requested: string | undefined): Promise<string> {
  if (who.via === "integration-key") {
    if (requested && requested !== who.integrationId) throw new AppError("forbidden", "body.integrationId: this key belongs to another integration");
    return who.integrationId as string;
  }
  if (!requested) return `int_batch_${who.tenantId}`;
  const integration = await findIntegration(db, who.tenantId, requested);
  if (!integration) throw new AppError("not_found", "body.integrationId: integration not found");
  if (integration.disconnectedAt) throw new AppError("conflict", "body.integrationId: integration is disconnected");
  if (!PUSHABLE_KINDS.has(integration.kind)) throw new AppError("validation_failed", `body.integrationId: counts of a ${integration.kind} integration come from its pulls`);
  return integration.id;
}

export function isUniqueViolation(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? "")}` : String(error);
  return /UNIQUE constraint failed/i.test(text);
}
