/**
 * Row status and the human-readable reasons behind it. Precedence (first that
 * applies): flat-rate, no-usage, suspect, waiting, stale, missing-line, then
 * match / increase / decrease by the sign of the variance.
 * missing-line needs usage above 0: a 0 count with no line is a match.
 */
import type { LatestCount } from "./latest-counts.ts";
import { signOfQuantity, type Quantity } from "./quantity.ts";
import type { ReconStatus } from "./types.ts";

const MS_PER_HOUR = 3_600_000;

export interface StatusFacts {
  flatRate: boolean;
  hasLines: boolean;
  variance: Quantity | null;
  suspectSources: readonly LatestCount[];
  staleSources: readonly LatestCount[];
  /** Arrears sources still missing the period the next invoice needs (calendar.ts). */
  waitingSources?: readonly unknown[];
}

export function decideStatus(facts: StatusFacts): ReconStatus {
  if (facts.flatRate) return "flat-rate";
  if (facts.variance === null) return "no-usage";
  if (facts.suspectSources.length > 0) return "suspect";
  if ((facts.waitingSources?.length ?? 0) > 0) return "waiting";
  if (facts.staleSources.length > 0) return "stale";
  const sign = signOfQuantity(facts.variance);
  // A vendor count of 0 with no line is nothing to add: that is a match, not found revenue.
  if (!facts.hasLines && sign > 0) return "missing-line";
  return sign === 0 ? "match" : sign > 0 ? "increase" : "decrease";
}

/** Strictly older than the threshold is stale; exactly at it is still fresh. */
// Both filters share one empty array for the common "nothing found" case, and take no callback (they run once per row);
// indexed loops, since a row's sources may be the shared frozen empty list, where for…of takes the slow iterator path.
export function findStaleSources(sources: readonly LatestCount[], nowMs: number, staleAfterHours: number): readonly LatestCount[] {
  const limit = staleAfterHours * MS_PER_HOUR;
  let found: LatestCount[] | null = null;
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i] as LatestCount;
    if (Number.isNaN(s.observedMs) || nowMs - s.observedMs > limit) (found ??= []).push(s);
  }
  return found ?? NONE;
}

export function findSuspectSources(sources: readonly LatestCount[], suspect: ReadonlyMap<string, number>): readonly LatestCount[] {
  if (suspect.size === 0) return NONE;
  let found: LatestCount[] | null = null;
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i] as LatestCount;
    if (suspect.has(s.count.serviceId)) (found ??= []).push(s);
  }
  return found ?? NONE;
}

const NONE: readonly LatestCount[] = [];

export function describeStale(source: LatestCount, nowMs: number, staleAfterHours: number): string {
  const who = `${source.source.accountName} / ${source.source.serviceName}`;
  if (Number.isNaN(source.observedMs)) return `The newest count for ${who} has an unreadable observation time ("${source.count.observedAt}").`;
  return `The newest count for ${who} is ${formatAge(nowMs - source.observedMs)} old (stale after ${staleAfterHours} hours).`;
}

/** One reason per suspect service, however many of its accounts feed the row. */
export function describeSuspect(sources: readonly LatestCount[], suspect: ReadonlyMap<string, number>): string[] {
  if (sources.length === 0) return [];
  const seen = new Map<string, string>();
  for (const s of sources) {
    const serviceId = s.count.serviceId;
    if (seen.has(serviceId)) continue;
    const accounts = suspect.get(serviceId) ?? 0;
    seen.set(
      serviceId,
      `All ${accounts} accounts reporting ${s.source.serviceName} show a quantity of exactly 1, ` +
        "the pattern of vendor resource groups not linked to a subscription; check the vendor side.",
    );
  }
  return [...seen.values()];
}

function formatAge(ms: number): string {
  const hours = Math.floor(ms / MS_PER_HOUR);
  if (hours >= 48) return `${Math.floor(hours / 24)} days`;
  return hours === 1 ? "1 hour" : `${hours} hours`;
}
