/**
 * The board's filter bar: status group, vendor, product, customer, minimum
 * money per month, search and sort. The filter maps 1:1 onto the query of
 * GET /api/v1/reconciliation (and of the CSV export of the same rows).
 */
import { useEffect, useState } from "preact/hooks";
import type { CompanyListResponse, ProductListResponse } from "../../../src/shared/api-types.ts";
import { toScaled, isDecimal } from "../../lib/decimal.ts";
import { currencyDigits } from "../../lib/format.ts";
import { get } from "../lib/api.ts";
import type { VendorIntegrationView } from "../lib/types.ts";

export interface BoardFilter {
  status: string;
  integrationId: string;
  productKey: string;
  companyId: string;
  /** Major units as typed ("50", "12.5"); converted exactly to minor units. */
  minMoney: string;
  q: string;
  sort: "" | "impact";
}

export const EMPTY_FILTER: BoardFilter = { status: "action", integrationId: "", productKey: "", companyId: "", minMoney: "", q: "", sort: "" };

const STATUS_GROUPS: Array<{ value: string; label: string; statuses: string }> = [
  { value: "action", label: "Needs action", statuses: "increase,decrease,missing-line" },
  { value: "increase", label: "Under-billed", statuses: "increase" },
  { value: "decrease", label: "Over-billed", statuses: "decrease" },
  { value: "missing-line", label: "Missing line", statuses: "missing-line" },
  { value: "look", label: "Needs a look (stale, suspect, unmapped)", statuses: "stale,suspect,unmapped-account,unmapped-service" },
  { value: "match", label: "Matching", statuses: "match" },
  { value: "", label: "All rows", statuses: "" },
];

/** Whole minor units from "12.5" in the currency's digits, exactly (no floats); null when not a non-negative amount. */
export function toMinor(text: string, currency = "USD"): number | null {
  const t = text.trim();
  if (t === "" || !isDecimal(t) || t.startsWith("-")) return null;
  const digits = currencyDigits(currency);
  const s = toScaled(t);
  if (s.scale > digits) return null;
  return Number(s.units * 10n ** BigInt(digits - s.scale));
}

/** The API query of a filter (without paging). */
export function filterQuery(f: BoardFilter): Record<string, string> {
  const q: Record<string, string> = {};
  const statuses = STATUS_GROUPS.find((g) => g.value === f.status)?.statuses ?? "";
  if (statuses) q.status = statuses;
  if (f.integrationId) q.integrationId = f.integrationId;
  if (f.productKey) q.productKey = f.productKey;
  if (f.companyId) q.companyId = f.companyId;
  const min = toMinor(f.minMoney);
  if (min !== null && min > 0) q.minImpactMinor = String(min);
  if (f.q.trim()) q.q = f.q.trim();
  if (f.sort) q.sort = f.sort;
  return q;
}

interface Options {
  vendors: VendorIntegrationView[];
  products: ProductListResponse["products"];
  companies: CompanyListResponse["companies"];
}

export function Filters({ filter, onChange }: { filter: BoardFilter; onChange: (f: BoardFilter) => void }) {
  const [opts, setOpts] = useState<Options>({ vendors: [], products: [], companies: [] });
  const [search, setSearch] = useState(filter.q);
  useEffect(() => {
    void Promise.all([
      get<{ integrations: VendorIntegrationView[] }>("/api/v1/integrations").catch(() => ({ integrations: [] })),
      get<ProductListResponse>("/api/v1/products").catch(() => ({ products: [] })),
      get<CompanyListResponse>("/api/v1/companies").catch(() => ({ companies: [] })),
    ]).then(([v, p, c]) => setOpts({ vendors: v.integrations, products: p.products, companies: [...c.companies].sort((a, b) => a.name.localeCompare(b.name)) }));
  }, []);
  useEffect(() => {
    if (search === filter.q) return;
    const t = setTimeout(() => onChange({ ...filter, q: search }), 300);
    return () => clearTimeout(t);
  }, [search]);
  const set = (k: keyof BoardFilter) => (e: Event) => onChange({ ...filter, [k]: (e.currentTarget as HTMLInputElement).value });
  const minBad = filter.minMoney.trim() !== "" && toMinor(filter.minMoney) === null;
  return (
    <form class="filters" role="search" aria-label="Filter rows" onSubmit={(e) => e.preventDefault()}>
      <label>
        Show
        <select name="status" value={filter.status} onChange={set("status")}>
          {STATUS_GROUPS.map((g) => (
            <option key={g.value} value={g.value}>
              {g.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Vendor
        <select name="integrationId" value={filter.integrationId} onChange={set("integrationId")}>
          <option value="">All vendors</option>
          {opts.vendors.map((v) => (
            <option key={v.integrationId} value={v.integrationId}>
              {v.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Product
        <select name="productKey" value={filter.productKey} onChange={set("productKey")}>
          <option value="">All products</option>
          {opts.products.map((p) => (
            <option key={p.productKey} value={p.productKey}>
              {p.productName}
            </option>
          ))}
        </select>
      </label>
      <label>
        Customer
        <select name="companyId" value={filter.companyId} onChange={set("companyId")}>
          <option value="">All customers</option>
          {opts.companies.map((c) => (
            <option key={c.companyId} value={c.companyId}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        At least (per month)
        <input name="minMoney" inputMode="decimal" value={filter.minMoney} onInput={set("minMoney")} placeholder="0.00" aria-invalid={minBad} size={8} />
        {minBad && <span class="err small">Enter an amount like 50 or 12.50</span>}
      </label>
      <label class="grow">
        Search
        <input name="q" type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} placeholder="Customer, product or agreement" />
      </label>
      <label>
        Sort
        <select name="sort" value={filter.sort} onChange={set("sort")}>
          <option value="">Needs action first</option>
          <option value="impact">Largest money first</option>
        </select>
      </label>
    </form>
  );
}
