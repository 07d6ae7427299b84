/**
 * The workspace grid's mapping actions on the billing-truth APIs the pod uses
 * (issue 9 §3): the effect of a change before it is saved
 * (`POST /api/v1/mappings/preview`, nothing saved), "Not a customer"
 * (`PUT /api/v1/mappings/ignored/:id`) and Undo of the last save.
 */
import type { MapAccountResponse, MappingPreviewResponse } from "../../../src/shared/api-types.ts";
import { del, post, put } from "./api.ts";

/** One change the grid is about to make. */
export type MappingChange = { kind: "account"; accountId: string; companyId: string } | { kind: "service"; serviceId: string; productKey: string };

/** What Undo puts back: per change, the mapping it replaced (null: none), or an ignore to lift. */
export type UndoStep = { kind: "service"; serviceId: string; productKey: string } | { kind: "account"; accountId: string; previous: MapAccountResponse["previous"] } | { kind: "ignore"; accountId: string };

const bodyOf = (c: MappingChange) => (c.kind === "account" ? { accountId: c.accountId, companyId: c.companyId } : { serviceId: c.serviceId, productKey: c.productKey });

/** The effect of the changes together: every row that appears, changes or goes, and the money per month per currency. */
export async function previewChanges(changes: MappingChange[]): Promise<MappingPreviewResponse> {
  const previews = await Promise.all(changes.map((c) => post<MappingPreviewResponse>("/api/v1/mappings/preview", bodyOf(c))));
  const totals = new Map<string, MappingPreviewResponse["totals"][number]>();
  for (const t of previews.flatMap((p) => p.totals)) {
    const m = totals.get(t.currency) ?? { currency: t.currency, underBilledDeltaMinor: 0, overBilledDeltaMinor: 0 };
    totals.set(t.currency, { currency: t.currency, underBilledDeltaMinor: m.underBilledDeltaMinor + t.underBilledDeltaMinor, overBilledDeltaMinor: m.overBilledDeltaMinor + t.overBilledDeltaMinor });
  }
  return { changes: previews.flatMap((p) => p.changes), totals: [...totals.values()], truncated: previews.some((p) => p.truncated) };
}

/** Saves the changes (accepted suggestions in one call) and returns how to undo them. */
export async function saveChanges(changes: MappingChange[], suggested: boolean): Promise<UndoStep[]> {
  if (suggested) {
    await post("/api/v1/mappings/suggestions/accept", {
      accounts: changes.flatMap((c) => (c.kind === "account" ? [bodyOf(c)] : [])),
      services: changes.flatMap((c) => (c.kind === "service" ? [bodyOf(c)] : [])),
    });
    // Suggestions are offered for unmapped items only: undo removes the new mapping.
    return changes.map((c) => (c.kind === "account" ? { kind: "account", accountId: c.accountId, previous: null } : c));
  }
  const steps: UndoStep[] = [];
  for (const c of changes) {
    if (c.kind === "service") {
      await post("/api/v1/mappings/services", bodyOf(c));
      steps.push(c);
    } else {
      const { previous } = await post<MapAccountResponse>("/api/v1/mappings/accounts", bodyOf(c));
      steps.push({ kind: "account", accountId: c.accountId, previous });
    }
  }
  return steps;
}

export async function ignoreAccount(accountId: string): Promise<UndoStep[]> {
  await put(`/api/v1/mappings/ignored/${encodeURIComponent(accountId)}`, {});
  return [{ kind: "ignore", accountId }];
}

/** Puts back what the last save replaced, newest first. */
export async function undoSteps(steps: UndoStep[]): Promise<void> {
  for (const s of [...steps].reverse()) {
    if (s.kind === "service") await del(`/api/v1/mappings/services/${encodeURIComponent(s.serviceId)}/${encodeURIComponent(s.productKey)}`);
    else if (s.kind === "ignore") await del(`/api/v1/mappings/ignored/${encodeURIComponent(s.accountId)}`);
    else if (s.previous) await post("/api/v1/mappings/accounts", { accountId: s.accountId, ...s.previous });
    else await del(`/api/v1/mappings/accounts/${encodeURIComponent(s.accountId)}`);
  }
}
