/**
 * Turns validated batch-push items into count drafts: exact quantities (never
 * coerced, never negative, no minus sign at all — `-0` is refused, not read as
 * 0), money rounded once to minor units, observedAt normalised to
 * `toISOString()` (so stored instants compare as text; digits below the
 * millisecond are refused rather than silently cut) and not in the future,
 * period defaulting to the month of observedAt and never after the current
 * month. A count observed more than LATE_AFTER_DAYS ago is kept and applied
 * but marked `late`. A key that appears twice in one request is an error
 * rather than a silent "last wins".
 */
import type { ServiceCategory } from "../reconcile/types.ts";
import { parseDecimal } from "../shared/decimal.ts";
import { err, ok, type Result } from "../shared/result.ts";
import { type CountDraft, countKey } from "./count-draft.ts";
import { futurePeriodError, isPeriod, periodOfInstant } from "./date-cell.ts";
import { parseDecimalCell } from "./exact-sum.ts";
import { normalizeCurrency, toMinorUnits } from "./money.ts";

export interface PushItem {
  account: { id: string; name: string; description?: string | undefined };
  service: { id: string; name: string; category: ServiceCategory; unit?: string | undefined };
  quantity: string;
  cost?: { amount: string; currency: string } | undefined;
  period?: string | undefined;
  observedAt?: string | undefined;
  measure?: string | undefined;
}

/** How far ahead of the server clock an observedAt may be (clock skew), in ms. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;
/**
 * A count observed longer ago than this is "late": a monthly vendor report is
 * at most a month and a few days old when it arrives; anything older is
 * probably a replayed or stuck export. Kept and applied, but marked on the
 * ledger row and in the response so nobody bills from it unknowingly.
 */
export const LATE_AFTER_DAYS = 35;
const LATE_AFTER_MS = LATE_AFTER_DAYS * 86_400_000;
const MAX_ERRORS = 5;
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.(\d{1,9}))?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Exact, non-negative quantity from a string or a raw JSON number's source text; any minus sign is refused. */
export function parseQuantity(text: string): Result<string, string> {
  if (text.trim().startsWith("-")) return err(`must not be negative (quantities are ≥ 0; a minus sign is never accepted, not even on zero), got "${text}"`);
  const parsed = parseDecimal(text);
  if (!parsed.ok) return err(`${parsed.error} (send an exact decimal such as "12" or "0.5", no exponent)`);
  return parsed;
}

/**
 * An ISO-8601 instant with an explicit offset, normalised to UTC
 * `toISOString()`. Stored instants have millisecond precision; non-zero
 * digits below the millisecond are refused instead of being cut off.
 */
export function parseInstant(text: string, now: Date): Result<string, string> {
  const match = INSTANT_PATTERN.exec(text);
  const ms = match ? Date.parse(text) : Number.NaN;
  if (!match || Number.isNaN(ms)) return err(`not an ISO-8601 instant with offset (e.g. 2026-06-30T12:00:00Z): "${text}"`);
  if (/[1-9]/.test((match[1] ?? "").slice(3))) return err(`has sub-millisecond digits, which are not stored; send at most 3 fractional digits: "${text}"`);
  if (ms > now.getTime() + FUTURE_TOLERANCE_MS) return err(`is in the future: "${text}"`);
  return ok(new Date(ms).toISOString());
}

/** True when a count observed at `observedAt` (toISOString form) is older than the late window at `now`. */
export function isLate(observedAt: string, now: Date): boolean {
  return Date.parse(observedAt) < now.getTime() - LATE_AFTER_MS;
}

export function toPushDrafts(items: readonly PushItem[], pushId: string, now: Date, root: string): Result<CountDraft[], string[]> {
  const errors: string[] = [];
  const drafts: CountDraft[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < items.length && errors.length < MAX_ERRORS; i++) {
    const item = items[i] as PushItem;
    const draft = toDraft(item, `push:${pushId}#${i}`, now, `${root}[${i}]`, errors);
    if (!draft) continue;
    const key = countKey(draft);
    const first = seen.get(key);
    if (first !== undefined) errors.push(`${root}[${i}]: same account, service and period as ${root}[${first}]`);
    else seen.set(key, i);
    drafts.push(draft);
  }
  return errors.length > 0 ? err(errors) : ok(drafts);
}

function toDraft(item: PushItem, sourceRef: string, now: Date, path: string, errors: string[]): CountDraft | null {
  const quantity = parseQuantity(item.quantity);
  if (!quantity.ok) errors.push(`${path}.quantity: ${quantity.error}`);
  const observedAt = item.observedAt === undefined ? ok(now.toISOString()) : parseInstant(item.observedAt, now);
  if (!observedAt.ok) errors.push(`${path}.observedAt: ${observedAt.error}`);
  const period = periodOf(item, observedAt, now);
  if (!period.ok) errors.push(`${path}.period: ${period.error}`);
  const cost = item.cost ? toCost(item.cost, `${path}.cost`, errors) : null;
  if (!quantity.ok || !observedAt.ok || !period.ok || cost === undefined) return null;
  return {
    accountExternalId: item.account.id,
    accountName: item.account.name,
    accountDescription: item.account.description ?? null,
    serviceExternalId: item.service.id,
    serviceName: item.service.name,
    serviceCategory: item.service.category,
    serviceUnit: item.service.unit ?? null,
    period: period.value,
    quantity: quantity.value,
    costMinor: cost?.minor ?? null,
    costCurrency: cost?.currency ?? null,
    observedAt: observedAt.value,
    sourceRef,
    lineCount: null,
    ...(item.measure !== undefined && item.measure !== "total" ? { measure: item.measure } : {}),
    late: isLate(observedAt.value, now),
  };
}

/**
 * The given period (never after the current month), else the month of
 * observedAt — which is already at most the clock-skew tolerance ahead, so a
 * count stamped 00:02 on the 1st by a clock two minutes fast is not refused.
 */
function periodOf(item: PushItem, observedAt: Result<string, string>, now: Date): Result<string, string> {
  if (item.period === undefined) return ok(observedAt.ok ? periodOfInstant(new Date(observedAt.value)) : "");
  if (!isPeriod(item.period)) return err(`must be YYYY-MM, got "${item.period}"`);
  const future = futurePeriodError(item.period, now);
  return future ? err(future) : ok(item.period);
}

/** undefined = invalid (error recorded). */
function toCost(cost: { amount: string; currency: string }, path: string, errors: string[]) {
  const currency = normalizeCurrency(cost.currency);
  const amount = parseDecimal(cost.amount);
  if (!currency) errors.push(`${path}.currency: must be an ISO 4217 code such as USD`);
  if (!amount.ok) errors.push(`${path}.amount: ${amount.error}`);
  if (!currency || !amount.ok) return undefined;
  // A canonical DecimalString always parses as a cell; the guard keeps the types honest.
  const scaled = parseDecimalCell(amount.value);
  const minor = scaled ? toMinorUnits(scaled, currency) : err(`not a decimal: ${amount.value}`);
  if (!minor.ok) {
    errors.push(`${path}.amount: ${minor.error}`);
    return undefined;
  }
  return { minor: minor.value, currency };
}
