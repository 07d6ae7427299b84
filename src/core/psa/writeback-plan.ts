/**
 * Write-back planning: from the quantity the PSA holds *now* (re-read before
 * every attempt) and the decision's target, what to send — or nothing, when
 * the PSA already holds the target (a previous attempt was applied and then
 * answered 500 or timed out: exactly once). Also how to treat a PSA failure.
 * Pure; the clock is passed in.
 *
 * - ConnectWise: PATCH the addition with JSON Patch `replace /quantity`
 *   (psa-and-vendor-apis.md §2.3), plus `replace /effectiveDate` only when
 *   the decision's write mode is "with-date" (a prorating agreement, decided
 *   once by core/reconcile/write-timing.ts): a "now" or released "scheduled"
 *   decision is a plain quantity change the PSA applies at once.
 * - Autotask: a ContractServiceAdjustment with unitChange = target − current
 *   units of the period holding the effective date (§3.3); units are whole.
 */
import Big from "big.js";
import type { DecimalString } from "../reconcile/types.ts";
import { compareDecimal, subDecimal } from "../shared/decimal.ts";
import { parseRetryAfter } from "../shared/retry-after.ts";

export { parseRetryAfter };

export interface JsonPatchOp {
  op: "replace";
  path: string;
  value: number | string;
}

/** `POST /finance/agreements/{id}/additions` body (Addition: product and billCustomer are required). */
export interface CwAdditionCreate {
  product: { id: number; identifier: string };
  quantity: number;
  unitPrice: number;
  unitCost: number;
  billCustomer: "Billable";
  description?: string;
  effectiveDate?: string;
}

export type WritePlan =
  | { kind: "noop" }
  | { kind: "cw-patch"; operations: JsonPatchOp[] }
  | { kind: "cw-add"; body: CwAdditionCreate }
  | { kind: "at-adjust"; unitChange: number; effectiveDate: string }
  | { kind: "refuse"; reason: string };

export interface CwPlanInput {
  current: DecimalString;
  target: DecimalString;
  /** How the PSA takes it (write-timing.ts); only "with-date" sends the date. */
  writeMode: "now" | "with-date" | "scheduled";
  effectiveDate: string | null;
}

export function planConnectWiseWrite(input: CwPlanInput): WritePlan {
  if (compareDecimal(input.target, "0") < 0) return { kind: "refuse", reason: `Target quantity ${input.target} is negative.` };
  if (compareDecimal(input.current, input.target) === 0) return { kind: "noop" };
  const operations: JsonPatchOp[] = [{ op: "replace", path: "/quantity", value: Number(input.target) }];
  if (input.writeMode === "with-date" && input.effectiveDate) {
    operations.push({ op: "replace", path: "/effectiveDate", value: `${input.effectiveDate}T00:00:00Z` });
  }
  return { kind: "cw-patch", operations };
}

export interface CwAddInput {
  target: DecimalString;
  writeMode: "now" | "with-date" | "scheduled";
  effectiveDate: string | null;
  /** The PSA catalog's item for the product (null: not in the catalog). */
  item: { id: number; identifier: string; description?: string | null; price?: number | null; cost?: number | null } | null;
  identifier: string;
}

/**
 * A missing line is added as a new addition: the catalog's product at the
 * catalog's price and cost (what ConnectWise's own "add addition" screen
 * defaults to), billable, the quantity, and the effective date only in
 * with-date mode (otherwise ConnectWise starts it today and the next invoice
 * bills it — the same rule as a quantity change).
 */
export function planConnectWiseAdd(input: CwAddInput): WritePlan {
  if (!input.item) return { kind: "refuse", reason: `ConnectWise's product catalog has no active product "${input.identifier}": add it there (Procurement › Product Catalog) or map the usage to another product, then decide again.` };
  if (compareDecimal(input.target, "0") <= 0) return { kind: "refuse", reason: `A new line needs a quantity above 0 (got ${input.target}).` };
  const body: CwAdditionCreate = {
    product: { id: input.item.id, identifier: input.item.identifier },
    quantity: Number(input.target),
    unitPrice: input.item.price ?? 0,
    unitCost: input.item.cost ?? 0,
    billCustomer: "Billable",
  };
  if (input.item.description) body.description = input.item.description;
  if (input.writeMode === "with-date" && input.effectiveDate) body.effectiveDate = `${input.effectiveDate}T00:00:00Z`;
  return { kind: "cw-add", body };
}

export interface AtPlanInput {
  /** Units of the ContractServiceUnits period holding the effective date. */
  current: DecimalString;
  target: DecimalString;
  effectiveDate: string;
}

export function planAutotaskWrite(input: AtPlanInput): WritePlan {
  if (compareDecimal(input.target, "0") < 0) return { kind: "refuse", reason: `Target quantity ${input.target} is negative.` };
  const change = new Big(subDecimal(input.target, input.current));
  if (!change.eq(change.round(0))) return { kind: "refuse", reason: `Autotask units are whole numbers; cannot change ${input.current} to ${input.target}.` };
  const unitChange = change.toNumber();
  if (unitChange === 0) return { kind: "noop" };
  return { kind: "at-adjust", unitChange, effectiveDate: input.effectiveDate };
}

export type FailureClass = "throttled" | "transient" | "rejected";

/** 429 waits for Retry-After; 408, 5xx and network failures (status 0) may have been applied; other 4xx are final. */
export function classifyPsaStatus(status: number): FailureClass {
  if (status === 429) return "throttled";
  if (status === 0 || status === 408 || status >= 500) return "transient";
  return "rejected";
}

/** The PSA's own words from an error body (ConnectWise `message`/`errors[].message`, Autotask `errors[]`); null when it gave none. */
export function psaWords(body: unknown): string | null {
  const parts: string[] = [];
  if (body && typeof body === "object") {
    const record = body as { message?: unknown; errors?: unknown };
    if (typeof record.message === "string") parts.push(record.message);
    if (Array.isArray(record.errors)) {
      for (const e of record.errors) {
        if (typeof e === "string") parts.push(e);
        else if (e && typeof e === "object" && typeof (e as { message?: unknown }).message === "string") parts.push((e as { message: string }).message);
      }
    }
  } else if (typeof body === "string" && body.trim()) {
    parts.push(body.trim().slice(0, 300));
  }
  const unique = [...new Set(parts.map((p) => p.trim()).filter((p) => p !== ""))];
  return unique.length > 0 ? unique.join("; ") : null;
}

export function describePsaError(status: number, body: unknown): string {
  const words = psaWords(body);
  return `HTTP ${status}${words ? `: ${words}` : ""}`;
}
