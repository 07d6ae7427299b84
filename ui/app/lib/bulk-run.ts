/**
 * Bulk decisions across customers: one POST /api/v1/decisions per row (with
 * its own Idempotency-Key, four at a time), then each write-back is followed
 * (GET /api/v1/decisions/:id) until the PSA accepted or refused it. The
 * summary says what the PSA accepted.
 */
import type { DecisionRequest, DecisionResponse, ReconRowView } from "../../../src/shared/api-types.ts";
import { newIdempotencyKey } from "../../lib/decisions.ts";
import { get, messageOf, post } from "./api.ts";
import type { RowProgress } from "./bulk-summary.ts";

export { summarize, type RowProgress } from "./bulk-summary.ts";

export type Decide = { action: "approve"; effectiveDate: string } | { action: "dismiss"; reason: string };

const POLL_MS = 1000;
const POLL_LIMIT_MS = 60_000;

async function followWriteback(id: string): Promise<RowProgress> {
  const deadline = Date.now() + POLL_LIMIT_MS;
  while (Date.now() < deadline) {
    const { decision } = await get<DecisionResponse>(`/api/v1/decisions/${encodeURIComponent(id)}`);
    if (decision.writebackState === "applied") return { state: "applied" };
    if (decision.writebackState === "failed") return { state: "failed", message: decision.writebackError ?? "the PSA refused the change" };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return { state: "pending", message: "still being written; see Activity" };
}

function requestFor(row: ReconRowView, how: Decide): DecisionRequest {
  const base = { agreementId: row.agreementId as string, productKey: row.productKey as string };
  if (how.action === "dismiss") return { ...base, action: "dismiss", note: how.reason };
  const lineId = row.proposal?.targetLineId;
  return { ...base, ...(lineId ? { lineId } : {}), action: "approve", effectiveDate: how.effectiveDate };
}

/** Runs the decisions, reporting each row's progress; resolves when every row has settled. */
export async function runBulk(rows: readonly ReconRowView[], how: Decide, report: (key: string, p: RowProgress) => void): Promise<void> {
  for (const r of rows) report(r.key, { state: "queued" });
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++] as ReconRowView;
      report(row.key, { state: "sending" });
      try {
        const { decision } = await post<DecisionResponse>("/api/v1/decisions", requestFor(row, how), { "idempotency-key": newIdempotencyKey() });
        if (how.action === "dismiss") {
          report(row.key, { state: "dismissed" });
          continue;
        }
        report(row.key, { state: "pending" });
        report(row.key, await followWriteback(decision.id));
      } catch (error) {
        report(row.key, { state: "failed", message: messageOf(error) });
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}
