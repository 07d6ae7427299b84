/** The board's rows grouped by customer, and each group's money per currency. */
import type { ReconRowView } from "../../../src/shared/api-types.ts";

export interface Group {
  companyId: string | null;
  name: string;
  rows: ReconRowView[];
}

/** Rows grouped by customer in first-seen order (pages keep adding to the groups they belong to). */
export function groupByCustomer(rows: readonly ReconRowView[]): Group[] {
  const groups = new Map<string, Group>();
  for (const row of rows) {
    const key = row.companyId ?? "";
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { companyId: row.companyId, name: row.companyName ?? "Not mapped to a customer", rows: [] }));
    g.rows.push(row);
  }
  return [...groups.values()];
}

/** Monthly money of rows per currency (integer minor units, summed exactly). */
export function moneyByCurrency(rows: readonly ReconRowView[]): Map<string, number> {
  const by = new Map<string, number>();
  for (const r of rows) if (r.monthlyImpactMinor !== null && r.currency) by.set(r.currency, (by.get(r.currency) ?? 0) + r.monthlyImpactMinor);
  return by;
}
