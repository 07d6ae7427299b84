/**
 * Latest usage per (vendor account, service) and the "suspect" check.
 *
 * Vendors report a count per billing period and may re-report it; only the
 * newest figure of the newest period reflects what the customer uses now.
 */
import { parseInstantMs } from "../shared/dates.ts";
import { formatQuantity, isOne, parseQuantity, type Quantity } from "./quantity.ts";
import type { ReconcileInput, RowSource, UsageCountInput, VendorAccountInput, VendorServiceInput } from "./types.ts";

/** A latest count, with what rows need about it resolved once. */
export interface LatestCount {
  count: UsageCountInput;
  quantity: Quantity;
  /** NaN when observedAt can't be parsed (treated as infinitely old). */
  observedMs: number;
  source: RowSource;
}

/** A candidate's source until it is the latest (filled in once the newest count is known). */
const NOT_YET = {} as RowSource;

/** Greatest period, then greatest observedAt, then greatest sourceRef for determinism. */
export function selectLatestCounts(input: ReconcileInput): LatestCount[] {
  const accounts = new Map<string, VendorAccountInput>(input.accounts.map((a) => [a.id, a]));
  const services = new Map<string, VendorServiceInput>(input.services.map((s) => [s.id, s]));
  // accountId → serviceId → newest count (nested, so no key string per count).
  const newest = new Map<string, Map<string, LatestCount>>();
  for (let i = 0; i < input.counts.length; i++) {
    const count = input.counts[i] as UsageCountInput;
    let byService = newest.get(count.accountId);
    if (!byService) newest.set(count.accountId, (byService = new Map()));
    const observedMs = parseInstantMs(count.observedAt);
    // One latest figure per measure of the service (a source may report assigned and total seats).
    const key = count.measure === undefined || count.measure === "total" ? count.serviceId : `${count.serviceId}\u0000${count.measure}`;
    const current = byService.get(key);
    if (!current) byService.set(key, { count, quantity: 0, observedMs, source: NOT_YET });
    else if (isNewer(count, observedMs, current.count, current.observedMs)) [current.count, current.observedMs] = [count, observedMs];
  }
  // Map order is input order: rows sort their own sources and the output is sorted.
  const latest: LatestCount[] = [];
  // forEach: no iterator result per count. Each candidate becomes its LatestCount (no second object per count).
  newest.forEach((byService) =>
    byService.forEach((candidate) => {
      candidate.quantity = parseQuantity(candidate.count.quantity);
      candidate.source = toRowSource(candidate.count, formatQuantity(candidate.quantity), accounts, services);
      latest.push(candidate);
    }),
  );
  return latest;
}

function isNewer(a: UsageCountInput, aMs: number, b: UsageCountInput, bMs: number): boolean {
  if (a.period !== b.period) return a.period > b.period;
  const x = Number.isNaN(aMs) ? -Infinity : aMs;
  const y = Number.isNaN(bMs) ? -Infinity : bMs;
  if (x !== y) return x > y;
  return a.sourceRef > b.sourceRef;
}

function toRowSource(
  count: UsageCountInput,
  quantity: string,
  accounts: ReadonlyMap<string, VendorAccountInput>,
  services: ReadonlyMap<string, VendorServiceInput>,
): RowSource {
  const account = accounts.get(count.accountId);
  const service = services.get(count.serviceId);
  return {
    accountId: count.accountId,
    accountName: account?.name ?? count.accountId,
    serviceId: count.serviceId,
    serviceName: service?.name ?? count.serviceId,
    integrationId: account?.integrationId ?? service?.integrationId ?? "",
    quantity,
    period: count.period,
    observedAt: count.observedAt,
    sourceKind: count.sourceKind,
    sourceRef: count.sourceRef,
  };
}

/**
 * Consumption services where ≥ 2 accounts report and every latest quantity is
 * exactly 1: the signature of Pax8 resource groups that aren't linked to a
 * subscription (each reports a placeholder 1). Seat services are never suspect.
 */
export function findSuspectServices(input: ReconcileInput, latest: readonly LatestCount[]): Map<string, number> {
  const consumption = new Set(input.services.filter((s) => s.category === "consumption").map((s) => s.id));
  const tally = new Map<string, { accounts: number; allOne: boolean }>();
  for (let i = 0; i < latest.length; i++) {
    const item = latest[i] as LatestCount;
    const serviceId = item.count.serviceId;
    // The vendor's own count of the service (measure total) is what the pattern is about.
    if (!consumption.has(serviceId) || (item.count.measure ?? "total") !== "total") continue;
    const entry = tally.get(serviceId) ?? { accounts: 0, allOne: true };
    entry.accounts += 1;
    entry.allOne &&= isOne(item.quantity);
    tally.set(serviceId, entry);
  }
  const suspect = new Map<string, number>();
  for (const [serviceId, entry] of tally) if (entry.accounts >= 2 && entry.allOne) suspect.set(serviceId, entry.accounts);
  return suspect;
}
