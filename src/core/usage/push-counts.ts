/**
 * Turns validated batch-push items into count drafts: exact quantities (never
 * coerced, never negative), money rounded once to minor units, observedAt
 * normalised to `toISOString()` (so stored instants compare as text) and not
 * in the future, period defaulting to the month of observedAt. A key that
 * appears twice in one request is an error rather than a silent "last wins".
 */
import type { ServiceCategory } from "../reconcile/types.ts";
import { parseDecimal } from "../shared/decimal.ts";
import { err, ok, type Result } from "../shared/result.ts";
import { type CountDraft, countKey } from "./count-draft.ts";
import { isPeriod, periodOfInstant } from "./date-cell.ts";
import { parseDecimalCell } from "./exact-sum.ts";
import { normalizeCurrency, toMinorUnits } from "./money.ts";

export interface PushItem {
  account: { id: string; name: string; description?: string | undefined };
  service: { id: string; name: string; category: ServiceCategory; unit?: string | undefined };
  quantity: string;
  cost?: { amount: string; currency: string } | undefined;
  period?: string | undefined;
  observedAt?: string | undefined;
}

/** How far ahead of the server clock an observedAt may be (clock skew), in ms. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;
const MAX_ERRORS = 5;
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Exact, non-negative quantity from a string or a raw JSON number's source text. */
export function parseQuantity(text: string): Result<string, string> {
  const parsed = parseDecimal(text);
  if (!parsed.ok) return err(`${parsed.error} (send an exact decimal such as "12" or "0.5", no exponent)`);
  return parsed.value.startsWith("-") ? err(`must not be negative, got ${parsed.value}`) : parsed;
}

/** An ISO-8601 instant with an explicit offset, normalised to UTC `toISOString()`. */
export function parseInstant(text: string, now: Date): Result<string, string> {
  const ms = INSTANT_PATTERN.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) return err(`not an ISO-8601 instant with offset (e.g. 2026-06-30T12:00:00Z): "${text}"`);
  if (ms > now.getTime() + FUTURE_TOLERANCE_MS) return err(`is in the future: "${text}"`);
  return ok(new Date(ms).toISOString());
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
  if (item.period !== undefined && !isPeriod(item.period)) errors.push(`${path}.period: must be YYYY-MM, got "${item.period}"`);
  const cost = item.cost ? toCost(item.cost, `${path}.cost`, errors) : null;
  if (!quantity.ok || !observedAt.ok || (item.period !== undefined && !isPeriod(item.period)) || cost === undefined) return null;
  return {
    accountExternalId: item.account.id,
    accountName: item.account.name,
    accountDescription: item.account.description ?? null,
    serviceExternalId: item.service.id,
    serviceName: item.service.name,
    serviceCategory: item.service.category,
    serviceUnit: item.service.unit ?? null,
    period: item.period ?? periodOfInstant(new Date(observedAt.value)),
    quantity: quantity.value,
    costMinor: cost?.minor ?? null,
    costCurrency: cost?.currency ?? null,
    observedAt: observedAt.value,
    sourceRef,
    lineCount: null,
  };
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
