/**
 * What each engine status means on screen, and the row order: rows needing
 * action first (increase, decrease, missing line), then rows needing a look
 * (stale, suspect, unmapped), then the rest (match, no usage, flat rate);
 * within a group the larger monthly money first.
 */
import type { ReconRow, ReconStatus } from "../../src/shared/api-types.ts";
import { formatDay, formatQuantity } from "./format.ts";

export type Tone = "up" | "down" | "warn" | "ok" | "muted";

export interface StatusMeta {
  label: string;
  tone: Tone;
  /** 0 = needs action, 1 = needs a look, 2 = nothing to do. */
  group: 0 | 1 | 2;
  hint: string;
}

export const STATUS_META: Record<ReconStatus, StatusMeta> = {
  increase: { label: "Under-billed", tone: "up", group: 0, hint: "Vendor count above PSA." },
  decrease: { label: "Over-billed", tone: "down", group: 0, hint: "PSA above vendor count." },
  "missing-line": { label: "Missing line", tone: "up", group: 0, hint: "Usage, no line." },
  stale: { label: "Stale data", tone: "warn", group: 1, hint: "Vendor count too old." },
  suspect: { label: "Suspect", tone: "warn", group: 1, hint: "Check the vendor side." },
  waiting: { label: "Waiting", tone: "warn", group: 1, hint: "Awaiting an arrears month." },
  "unmapped-service": { label: "Unmapped service", tone: "warn", group: 1, hint: "Service not mapped." },
  "unmapped-account": { label: "Unmapped account", tone: "warn", group: 1, hint: "Account not mapped." },
  match: { label: "Match", tone: "ok", group: 2, hint: "PSA and vendor agree." },
  "no-usage": { label: "No usage", tone: "muted", group: 2, hint: "No vendor usage." },
  "flat-rate": { label: "Flat rate", tone: "muted", group: 2, hint: "Flat rate: never changed." },
};

const PROPOSABLE = new Set<ReconStatus>(["increase", "decrease", "missing-line"]);

export function isProposable(row: ReconRow): boolean {
  // canApply false: Trueup cannot write it (e.g. a missing line with no agreement); the row says why instead.
  return PROPOSABLE.has(row.status) && row.proposal !== null && row.proposal.canApply !== false && row.agreementId !== null && row.productKey !== null;
}

function magnitude(row: ReconRow): number {
  return row.monthlyImpactMinor === null ? -1 : Math.abs(row.monthlyImpactMinor);
}

export function compareRows(a: ReconRow, b: ReconRow): number {
  const group = STATUS_META[a.status].group - STATUS_META[b.status].group;
  if (group !== 0) return group;
  const money = magnitude(b) - magnitude(a);
  if (money !== 0) return money;
  const name = (a.productName ?? "").localeCompare(b.productName ?? "");
  return name !== 0 ? name : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export function sortRows(rows: readonly ReconRow[]): ReconRow[] {
  return [...rows].sort(compareRows);
}

/** Rows grouped by agreement id (null: the company's rows on no agreement), in first-seen order. */
export function groupByAgreement(rows: readonly ReconRow[]): Map<string | null, ReconRow[]> {
  const groups = new Map<string | null, ReconRow[]>();
  for (const row of rows) {
    const list = groups.get(row.agreementId);
    if (list) list.push(row);
    else groups.set(row.agreementId, [row]);
  }
  return groups;
}

/** The product name, or for usage with no product the vendor service it comes from. */
export function rowTitle(row: ReconRow): string {
  return row.productName ?? row.sources[0]?.serviceName ?? row.productKey ?? row.key;
}

/** Oldest and newest observation of a row's vendor figures. */
export function observedRange(row: ReconRow): { oldest: string; newest: string } | null {
  if (row.sources.length === 0) return null;
  const times = row.sources.map((s) => s.observedAt).sort();
  return { oldest: times[0] ?? "", newest: times[times.length - 1] ?? "" };
}

/** A line not counted yet, as the row shows it: "+10 from Jan 14", "−5 ends Dec 31". */
export function upcomingText(u: ReconRow["upcoming"][number], locale?: string): string {
  return u.change === "starts" ? `+${formatQuantity(u.quantity, locale)} from ${formatDay(u.date, locale)}` : `−${formatQuantity(u.quantity, locale)} ends ${formatDay(u.date, locale)}`;
}
