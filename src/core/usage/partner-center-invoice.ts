/**
 * Profile `partner-center-invoice`: Microsoft Partner Center new-commerce
 * invoice reconciliation file ("Invoice recon – billed"), columns per
 * Microsoft's "modern invoice reconciliation file" doc (reference §5.1).
 *
 * Seats: Microsoft says "Use BillableQuantity for reconciliation", and NCE
 * writes a seat change as a pair of lines — a refund of the old quantity and a
 * charge at the new one (reference §5.2: addQuantity/removeQuantity "used in
 * both the refund of the original purchase and the new quantity"). Each line
 * covers [ChargeStartDate, ChargeEndDate]. So per subscription the quantity in
 * force at the end of the latest billed service period is the signed sum of
 * the lines that cover that end date — the lines whose ChargeEndDate is the
 * subscription's latest. Refund/credit lines count negative: a negative
 * BillableQuantity, Subtotal or EffectiveUnitPrice marks one. `customerCredit`
 * and `creditNote` lines move money, not seats. Seats per customer × product
 * (ProductId + SkuId) are the sum over its subscriptions.
 *
 * Cost is Σ Subtotal (pre-tax, in `Currency`) of all the key's lines, exactly,
 * rounded once to minor units. Azure plan lines (SubscriptionDescription or
 * ProductName "Azure plan") are skipped and reported: they are reconciled from
 * the daily rated usage file. The period is `?period=` or the month of the
 * latest ChargeStartDate in the file.
 */
import { err, ok, type Result } from "../shared/result.ts";
import { ACCEPTED, bindColumns, type CsvProfileRun, type ImportDraft, rejected, type RowOutcome, textCell } from "./csv-profile.ts";
import { type DateOrder, parseDateCell, periodOfDate } from "./date-cell.ts";
import { ExactSum, parseDecimalCell, type ScaledDecimal } from "./exact-sum.ts";
import { normalizeCurrency, toMinorUnits } from "./money.ts";

export interface InvoiceProfileOptions {
  period?: string | undefined;
  dateOrder: DateOrder;
}

const REQUIRED = {
  customerId: "CustomerId",
  customerName: "CustomerName",
  productId: "ProductId",
  skuId: "SkuId",
  skuName: "SkuName",
  chargeType: "ChargeType",
  billableQuantity: "BillableQuantity",
  subscriptionId: "SubscriptionId",
  chargeStart: "ChargeStartDate",
  chargeEnd: "ChargeEndDate",
  subtotal: "Subtotal",
  currency: "Currency",
} as const;
const OPTIONAL = { domain: "CustomerDomainName", subscriptionName: "SubscriptionDescription", productName: "ProductName", effectiveUnitPrice: "EffectiveUnitPrice" };
type Columns = Record<keyof typeof REQUIRED, number> & Record<string, number>;

const MONEY_ONLY_CHARGE_TYPES = new Set(["customercredit", "creditnote"]);
export const AZURE_PLAN_SKIP = "Azure plan line: import the daily rated usage file with profile partner-center-usage";

interface SubscriptionState {
  productKey: string;
  latestEnd: string;
  inForce: ExactSum;
}

interface ProductBucket {
  accountName: string;
  accountDescription: string | null;
  serviceName: string;
  cost: ExactSum;
  currency: string;
  firstLine: number;
  lastLine: number;
  lineCount: number;
}

export function createInvoiceProfile(options: InvoiceProfileOptions): CsvProfileRun {
  const subscriptions = new Map<string, SubscriptionState>();
  const products = new Map<string, ProductBucket>();
  let latestStart = "";
  let columns: Columns | null = null;

  function acceptRow(cells: readonly string[], line: number): RowOutcome {
    const c = columns as Columns;
    const description = `${c.subscriptionName === undefined ? "" : cells[c.subscriptionName] ?? ""}|${c.productName === undefined ? "" : cells[c.productName] ?? ""}`;
    if (/(^|\|)\s*azure plan\s*($|\|)/i.test(description)) return { kind: "skipped", reason: AZURE_PLAN_SKIP };
    const fields = readFields(cells, c);
    if ("error" in fields) return rejected(fields.error);
    const productKey = `${fields.customerId}\u0000${fields.productId}`;
    const bucket = products.get(productKey);
    if (bucket && bucket.currency !== fields.currency) return rejected(`Currency ${fields.currency} differs from ${bucket.currency} on line ${bucket.firstLine} for the same customer and product`);
    if (bucket) {
      bucket.cost.add(fields.subtotal);
      bucket.lastLine = line;
      bucket.lineCount += 1;
    } else {
      const cost = new ExactSum();
      cost.add(fields.subtotal);
      products.set(productKey, { ...fields.names, cost, currency: fields.currency, firstLine: line, lastLine: line, lineCount: 1 });
    }
    if (!MONEY_ONLY_CHARGE_TYPES.has(fields.chargeType)) trackSeats(productKey, fields);
    return ACCEPTED;
  }

  function trackSeats(productKey: string, fields: LineFields): void {
    if (fields.start > latestStart) latestStart = fields.start;
    const subKey = `${productKey}\u0000${fields.subscriptionId}`;
    const state = subscriptions.get(subKey);
    if (!state || fields.end > state.latestEnd) {
      const inForce = new ExactSum();
      inForce.add(fields.signedQuantity);
      subscriptions.set(subKey, { productKey, latestEnd: fields.end, inForce });
    } else if (fields.end === state.latestEnd) {
      state.inForce.add(fields.signedQuantity);
    }
  }

  return {
    bindHeader(header) {
      const bound = bindColumns(header, REQUIRED, OPTIONAL);
      if (!bound.ok) return bound;
      columns = bound.value as Columns;
      return ok(undefined);
    },
    acceptRow,
    finish: () => finishInvoice(products, subscriptions, options.period ?? (latestStart ? periodOfDate(latestStart) : null)),
  };

  function readFields(cells: readonly string[], c: Columns): LineFields | { error: string } {
    const customerId = textCell(cells, c.customerId, "CustomerId");
    if ("error" in customerId) return customerId;
    const productId = textCell(cells, c.productId, "ProductId");
    const skuId = textCell(cells, c.skuId, "SkuId");
    if ("error" in productId) return productId;
    if ("error" in skuId) return skuId;
    const quantity = parseDecimalCell(cells[c.billableQuantity] ?? "");
    if (!quantity) return { error: `BillableQuantity: not a decimal: "${cells[c.billableQuantity] ?? ""}"` };
    const subtotal = parseDecimalCell(cells[c.subtotal] ?? "");
    if (!subtotal) return { error: `Subtotal: not a decimal: "${cells[c.subtotal] ?? ""}"` };
    const currency = normalizeCurrency(cells[c.currency] ?? "");
    if (!currency) return { error: `Currency: not a currency code: "${cells[c.currency] ?? ""}"` };
    const start = parseDateCell(cells[c.chargeStart] ?? "", options.dateOrder);
    if (!start.ok) return { error: `ChargeStartDate: ${start.error}` };
    const end = parseDateCell(cells[c.chargeEnd] ?? "", options.dateOrder);
    if (!end.ok) return { error: `ChargeEndDate: ${end.error}` };
    const price = c.effectiveUnitPrice === undefined ? null : parseDecimalCell(cells[c.effectiveUnitPrice] ?? "");
    const credit = quantity.units < 0n || subtotal.units < 0n || (price !== null && price.units < 0n);
    const magnitude = quantity.units < 0n ? -quantity.units : quantity.units;
    const skuName = (cells[c.skuName] ?? "").trim();
    const productName = c.productName === undefined ? "" : (cells[c.productName] ?? "").trim();
    return {
      customerId: customerId.value,
      productId: `${productId.value}:${skuId.value}`,
      subscriptionId: (cells[c.subscriptionId] ?? "").trim(),
      chargeType: (cells[c.chargeType] ?? "").trim().toLowerCase(),
      signedQuantity: { units: credit ? -magnitude : magnitude, scale: quantity.scale },
      subtotal,
      currency,
      start: start.value,
      end: end.value,
      names: {
        accountName: (cells[c.customerName] ?? "").trim() || customerId.value,
        accountDescription: c.domain === undefined ? null : (cells[c.domain] ?? "").trim() || null,
        serviceName: skuName || productName || `${productId.value}:${skuId.value}`,
      },
    };
  }
}

interface LineFields {
  customerId: string;
  productId: string;
  subscriptionId: string;
  chargeType: string;
  signedQuantity: ScaledDecimal;
  subtotal: ScaledDecimal;
  currency: string;
  start: string;
  end: string;
  names: { accountName: string; accountDescription: string | null; serviceName: string };
}

function finishInvoice(products: Map<string, ProductBucket>, subscriptions: Map<string, SubscriptionState>, period: string | null): Result<ImportDraft[], string> {
  if (products.size > 0 && !period) return err("no seat lines with a ChargeStartDate: pass ?period=YYYY-MM");
  const seats = new Map<string, ExactSum>();
  for (const state of subscriptions.values()) {
    const total = seats.get(state.productKey) ?? new ExactSum();
    total.add(state.inForce);
    seats.set(state.productKey, total);
  }
  const drafts: ImportDraft[] = [];
  for (const [key, bucket] of products) {
    const [customerId = "", productId = ""] = key.split("\u0000");
    const quantity = seats.get(key) ?? new ExactSum();
    const where = `lines ${bucket.firstLine}–${bucket.lastLine} (${bucket.accountName} / ${bucket.serviceName})`;
    if (quantity.isNegative()) return err(`${where}: seats in force are negative (${quantity.toDecimal()}): the file has more refunds than charges`);
    const cost = toMinorUnits(bucket.cost, bucket.currency);
    if (!cost.ok) return err(`${where}: ${cost.error}`);
    drafts.push({
      accountExternalId: customerId,
      accountName: bucket.accountName,
      accountDescription: bucket.accountDescription,
      serviceExternalId: productId,
      serviceName: bucket.serviceName,
      serviceCategory: "seat",
      serviceUnit: "seat",
      period: period as string,
      quantity: quantity.toDecimal(),
      costMinor: cost.value,
      costCurrency: bucket.currency,
      firstLine: bucket.firstLine,
      lastLine: bucket.lastLine,
      lineCount: bucket.lineCount,
    });
  }
  return ok(drafts);
}
