/**
 * Profile `partner-center-usage`: Microsoft Partner Center NCE daily rated
 * usage reconciliation file (Azure plan). Columns and meanings per Microsoft's
 * "daily rated usage recon files" doc and its billed-usage model
 * (reference §5.3): CustomerId/CustomerName/CustomerDomainName, SubscriptionId
 * and SubscriptionDescription, ChargeStartDate (start of the billing cycle,
 * `2/1/2019 0:00`), UsageDate, ResourceGroup, Tags, Quantity,
 * BillingPreTaxTotal and BillingCurrency.
 *
 * One count per customer × subscription (optionally × resource group or ×
 * the value of one tag) × billing period. The period is the month of
 * ChargeStartDate — the cycle Microsoft billed the line in, which also holds
 * late usage from the previous cycle — falling back to UsageDate.
 *
 * Meter quantities are in unrelated units (GB, hours, 10K transactions), so by
 * default (`measure=cost`) the count's quantity is Σ BillingPreTaxTotal in the
 * billing currency — what an "Azure consumption" agreement line bills — and
 * `measure=quantity` sums the raw Quantity instead. Either way the count's cost
 * is Σ BillingPreTaxTotal, summed exactly and rounded once, half away from
 * zero, to minor units.
 */
import { err, ok, type Result } from "../shared/result.ts";
import { CountAggregator } from "./aggregate.ts";
import { ACCEPTED, bindColumns, type CsvProfileRun, type ImportDraft, rejected, type RowOutcome, textCell } from "./csv-profile.ts";
import { type DateOrder, parseDateCell, periodOfDate } from "./date-cell.ts";
import { parseDecimalCell } from "./exact-sum.ts";
import { normalizeCurrency } from "./money.ts";

export interface UsageProfileOptions {
  /** `subscription` (default), `resourceGroup`, or `tag:<name>`. */
  groupBy: string;
  measure: "cost" | "quantity";
  /** Overrides the period derived from the dates. */
  period?: string | undefined;
  dateOrder: DateOrder;
}

const REQUIRED = {
  customerId: "CustomerId",
  customerName: "CustomerName",
  subscriptionId: "SubscriptionId",
  quantity: "Quantity",
  total: "BillingPreTaxTotal",
  currency: "BillingCurrency",
} as const;
const OPTIONAL = {
  domain: "CustomerDomainName",
  subscriptionName: "SubscriptionDescription",
  chargeStart: "ChargeStartDate",
  usageDate: "UsageDate",
  resourceGroup: "ResourceGroup",
  tags: "Tags",
};

type Columns = Record<keyof typeof REQUIRED, number> & Record<string, number>;

export function createUsageProfile(options: UsageProfileOptions): CsvProfileRun {
  const aggregator = new CountAggregator();
  const periods = new Map<string, string | null>();
  let columns: Columns | null = null;

  function periodOf(cells: readonly string[]): string | { error: string } {
    if (options.period) return options.period;
    const at = columns?.chargeStart ?? columns?.usageDate;
    if (at === undefined) return { error: "ChargeStartDate/UsageDate column missing: pass ?period=YYYY-MM" };
    const text = cells[at] ?? "";
    let period = periods.get(text);
    if (period === undefined) {
      const date = parseDateCell(text, options.dateOrder);
      period = date.ok ? periodOfDate(date.value) : null;
      periods.set(text, period);
    }
    return period ?? { error: `${at === columns?.chargeStart ? "ChargeStartDate" : "UsageDate"}: not a date: "${text}"` };
  }

  function groupOf(cells: readonly string[]): string | { error: string } {
    if (options.groupBy === "subscription") return "";
    if (options.groupBy === "resourceGroup") {
      if (columns?.resourceGroup === undefined) return { error: "ResourceGroup column missing" };
      return `/rg:${(cells[columns.resourceGroup] ?? "").trim().toLowerCase() || "(none)"}`;
    }
    const tag = options.groupBy.slice(4);
    if (columns?.tags === undefined) return { error: "Tags column missing" };
    return `/tag:${tag}=${tagValue(cells[columns.tags] ?? "", tag) ?? "(untagged)"}`;
  }

  return {
    bindHeader(header) {
      const bound = bindColumns(header, REQUIRED, OPTIONAL);
      if (!bound.ok) return bound;
      columns = bound.value as Columns;
      if (!options.period && columns.chargeStart === undefined && columns.usageDate === undefined) {
        return err("CSV header is missing column(s): ChargeStartDate (or UsageDate)");
      }
      return ok(undefined);
    },
    acceptRow(cells, line): RowOutcome {
      const c = columns as Columns;
      const customer = textCell(cells, c.customerId, "CustomerId");
      if ("error" in customer) return rejected(customer.error);
      const subscription = textCell(cells, c.subscriptionId, "SubscriptionId");
      if ("error" in subscription) return rejected(subscription.error);
      const total = parseDecimalCell(cells[c.total] ?? "");
      if (!total) return rejected(`BillingPreTaxTotal: not a decimal: "${cells[c.total] ?? ""}"`);
      const quantity = options.measure === "quantity" ? parseDecimalCell(cells[c.quantity] ?? "") : total;
      if (!quantity) return rejected(`Quantity: not a decimal: "${cells[c.quantity] ?? ""}"`);
      const currency = normalizeCurrency(cells[c.currency] ?? "");
      if (!currency) return rejected(`BillingCurrency: not a currency code: "${cells[c.currency] ?? ""}"`);
      const period = periodOf(cells);
      if (typeof period !== "string") return rejected(period.error);
      const group = groupOf(cells);
      if (typeof group !== "string") return rejected(group.error);
      const serviceId = subscription.value + group;
      const key = `${customer.value}\u0000${serviceId}\u0000${period}`;
      const problem = aggregator.add(key, () => identity(cells, c, customer.value, serviceId, group, period, currency), quantity, total, currency, line);
      return problem ? rejected(problem) : ACCEPTED;
    },
    finish(): Result<ImportDraft[], string> {
      return aggregator.drafts();
    },
  };

  function identity(cells: readonly string[], c: Columns, customerId: string, serviceId: string, group: string, period: string, currency: string) {
    const subscriptionName = c.subscriptionName === undefined ? "" : (cells[c.subscriptionName] ?? "").trim();
    const base = subscriptionName || "Azure subscription";
    return {
      accountExternalId: customerId,
      accountName: (cells[c.customerName] ?? "").trim() || customerId,
      accountDescription: c.domain === undefined ? null : (cells[c.domain] ?? "").trim() || null,
      serviceExternalId: serviceId,
      serviceName: `${base} ${serviceId.split("/")[0]}${group ? ` ${group.slice(1)}` : ""}`,
      serviceCategory: "consumption" as const,
      serviceUnit: options.measure === "cost" ? currency : "units",
      period,
    };
  }
}

/** The value of one tag in the Tags cell (JSON object, as Partner Center writes it). */
function tagValue(cell: string, tag: string): string | null {
  const text = cell.trim();
  if (!text.startsWith("{")) return null;
  try {
    const tags = JSON.parse(text) as Record<string, unknown>;
    const match = Object.keys(tags).find((k) => k.toLowerCase() === tag.toLowerCase());
    const value = match === undefined ? undefined : tags[match];
    return typeof value === "string" && value.trim() ? value.trim() : null;
  } catch {
    return null;
  }
}
