/**
 * PSA-neutral records that a sync produces and the repositories persist:
 * one company, one agreement (ConnectWise agreement / Autotask contract) and
 * its lines (ConnectWise additions / Autotask contract services). Quantities
 * are exact decimal strings, money integer minor units. Pure data.
 */
import type { BillCustomer, BillingCycle, DecimalString } from "../reconcile/types.ts";

export type PsaKind = "connectwise" | "autotask";

export interface CompanyRecord {
  psaId: string;
  name: string;
  identifier: string | null;
}

export interface AgreementRecord {
  psaId: string;
  company: CompanyRecord;
  name: string;
  type: string;
  status: string;
  billingCycle: BillingCycle;
  startDate: string | null;
  endDate: string | null;
  cancelled: boolean;
  flatRate: boolean;
  currency: string;
  /** ConnectWise prorateFlag: a chosen effective date may be written with a quantity. */
  allowsEffectiveDate: boolean;
  psaLastUpdated: string | null;
  /** Active, not cancelled, recurring: only these have their lines synced. */
  recurringActive: boolean;
}

export interface LineRecord {
  psaId: string;
  productKey: string;
  productName: string;
  quantity: DecimalString;
  lessIncluded: DecimalString;
  unitPriceMinor: number;
  unitCostMinor: number;
  /** The PSA's exact price and cost in major units ("1.995"). */
  unitPrice: DecimalString;
  unitCost: DecimalString;
  billCustomer: BillCustomer;
  effectiveDate: string | null;
  cancelledDate: string | null;
}

/** A line the sync could not map (bad number, missing product): reported, never stored as 0. */
export interface RejectedLine {
  psaId: string;
  reason: string;
}

export interface MappedLines {
  lines: LineRecord[];
  rejected: RejectedLine[];
  /** Lines deliberately left out (not billable). */
  skipped: number;
}
