/**
 * Profile `csv`: any vendor export, read through a saved column profile
 * (which columns hold the account, service, quantity, cost, period). Rows for
 * the same account × service × period are summed when the profile says
 * `aggregate` (Gradient's "Aggregate service quantities" option, for exports
 * with one row per device or user); otherwise a second row for the same key
 * is rejected, naming the first, instead of silently replacing it.
 * Formats are the profile's, never guessed: dates in its `dateFormat`
 * (YYYY-MM-DD, M/D/YYYY or D/M/YYYY), numbers with its `decimalSeparator`;
 * a cell in another form is rejected with its line.
 */
import type { ServiceCategory } from "../reconcile/types.ts";
import { err, ok, type Result } from "../shared/result.ts";
import { CountAggregator } from "./aggregate.ts";
import { ACCEPTED, bindColumns, type CsvProfileRun, type ImportDraft, rejected, type RowOutcome, textCell } from "./csv-profile.ts";
import { type DateFormat, isPeriod, parseDateInFormat, periodOfDate } from "./date-cell.ts";
import { cleanNumericCell, parseDecimalCellWith, type ScaledDecimal } from "./exact-sum.ts";
import { normalizeCurrency } from "./money.ts";

export interface GenericCsvConfig {
  columns: {
    accountId: string;
    accountName?: string | undefined;
    serviceId?: string | undefined;
    serviceName: string;
    quantity: string;
    cost?: string | undefined;
    currency?: string | undefined;
    period?: string | undefined;
    date?: string | undefined;
  };
  category: ServiceCategory;
  unit?: string | undefined;
  /** Currency of the cost column when the file has no currency column. */
  currency?: string | undefined;
  aggregate: boolean;
  /** Arrears export: the default period is the month before the import (set by the service, which has the clock). */
  arrears?: boolean | undefined;
  /** How the date/period column writes dates; required when the profile reads one. */
  dateFormat?: DateFormat | undefined;
  decimalSeparator: "." | ",";
  delimiter?: string | undefined;
}

export interface GenericRunOptions {
  /** `?period=`, else the import's own month (passed in: the core has no clock). */
  period: string;
  periodFromQuery: boolean;
}

type Columns = Record<string, number>;

export function createGenericProfile(config: GenericCsvConfig, options: GenericRunOptions): CsvProfileRun {
  const aggregator = new CountAggregator();
  let c: Columns = {};

  function periodOf(cells: readonly string[]): string | { error: string } {
    if (options.periodFromQuery || (c.period === undefined && c.date === undefined)) return options.period;
    if (c.period !== undefined) {
      const text = (cells[c.period] ?? "").trim();
      if (isPeriod(text)) return text;
      const date = dateOf(text);
      return date.ok ? periodOfDate(date.value) : { error: `${config.columns.period}: not a period (YYYY-MM) or ${date.error}` };
    }
    const date = dateOf(cells[c.date as number] ?? "");
    return date.ok ? periodOfDate(date.value) : { error: `${config.columns.date}: ${date.error}` };
  }

  function dateOf(text: string) {
    return config.dateFormat ? parseDateInFormat(text, config.dateFormat) : { ok: false as const, error: `a date: the profile declares no dateFormat: "${text}"` };
  }

  const decimal = (text: string) => parseDecimalCellWith(text, config.decimalSeparator);
  const notDecimal = (column: string, text: string) => `${column}: not a decimal with "${config.decimalSeparator}" as decimal separator: "${text}"`;

  function costOf(cells: readonly string[]): { cost: ScaledDecimal | null; currency: string | null } | { error: string } {
    if (c.cost === undefined) return { cost: null, currency: null };
    const text = (cells[c.cost] ?? "").trim();
    if (text === "") return { cost: null, currency: null };
    const cost = decimal(text);
    if (!cost) return { error: notDecimal(config.columns.cost as string, text) };
    const raw = c.currency === undefined ? config.currency ?? "" : cells[c.currency] ?? "";
    const currency = normalizeCurrency(raw);
    if (!currency) return { error: `${config.columns.currency ?? "currency"}: not a currency code: "${raw}"` };
    return { cost, currency };
  }

  function acceptRow(cells: readonly string[], line: number): RowOutcome {
    const account = textCell(cells, c.accountId as number, config.columns.accountId);
    if ("error" in account) return rejected(account.error);
    const service = textCell(cells, (c.serviceId ?? c.serviceName) as number, config.columns.serviceId ?? config.columns.serviceName);
    if ("error" in service) return rejected(service.error);
    const quantityText = cells[c.quantity as number] ?? "";
    // Quantities are ≥ 0: any minus sign is refused, so "-0" is an error, not a silent 0.
    if (cleanNumericCell(quantityText).startsWith("-")) return rejected(`${config.columns.quantity}: must not be negative (a minus sign is never accepted), got "${quantityText}"`);
    const quantity = decimal(quantityText);
    if (!quantity) return rejected(notDecimal(config.columns.quantity, quantityText));
    const period = periodOf(cells);
    if (typeof period !== "string") return rejected(period.error);
    const money = costOf(cells);
    if ("error" in money) return rejected(money.error);
    const key = `${account.value}\u0000${service.value}\u0000${period}`;
    const first = config.aggregate ? undefined : aggregator.firstLineOf(key);
    if (first !== undefined) return rejected(`same account, service and period as line ${first} (enable "aggregate" to sum such rows)`);
    const problem = aggregator.add(key, () => identity(cells, account.value, service.value, period), quantity, money.cost, money.currency, line);
    return problem ? rejected(problem) : ACCEPTED;
  }

  function identity(cells: readonly string[], accountId: string, serviceId: string, period: string) {
    const name = (at: number | undefined, fallback: string) => (at === undefined ? fallback : (cells[at] ?? "").trim() || fallback);
    return {
      accountExternalId: accountId,
      accountName: name(c.accountName, accountId),
      accountDescription: null,
      serviceExternalId: serviceId,
      serviceName: name(c.serviceName, serviceId),
      serviceCategory: config.category,
      serviceUnit: config.unit ?? null,
      period,
    };
  }

  return {
    bindHeader(header): Result<void, string> {
      const { accountId, serviceName, quantity, ...optional } = config.columns;
      const defined = Object.fromEntries(Object.entries(optional).filter((e): e is [string, string] => typeof e[1] === "string"));
      const bound = bindColumns(header, { accountId, serviceName, quantity }, defined);
      if (!bound.ok) return bound;
      const missing = Object.entries(defined).filter(([key]) => bound.value[key] === undefined).map(([, column]) => column);
      if (missing.length > 0) return err(`CSV header is missing column(s): ${missing.join(", ")}`);
      c = bound.value;
      return ok(undefined);
    },
    acceptRow,
    finish: (): Result<ImportDraft[], string> => aggregator.drafts(),
  };
}
