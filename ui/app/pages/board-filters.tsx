/**
 * The board's filter bar: status group, vendor, product, customer, minimum
 * money per month, search and sort (the query they make: lib/board-query.ts).
 */
import { useEffect, useState } from "preact/hooks";
import type { CompanyListResponse, ProductListResponse } from "../../../src/shared/api-types.ts";
import { get } from "../lib/api.ts";
import { STATUS_GROUPS, toMinor, type BoardFilter } from "../lib/board-query.ts";
import type { VendorIntegrationView } from "../lib/types.ts";

interface Options {
  vendors: VendorIntegrationView[];
  products: ProductListResponse["products"];
  companies: CompanyListResponse["companies"];
}

/** `ready`: the board's first page is on screen; the option lists (1,000 customers…) load after it. */
export function Filters({ ready, filter, onChange }: { ready: boolean; filter: BoardFilter; onChange: (f: BoardFilter) => void }) {
  const [opts, setOpts] = useState<Options>({ vendors: [], products: [], companies: [] });
  const [search, setSearch] = useState(filter.q);
  useEffect(() => {
    if (!ready) return;
    void Promise.all([
      get<{ integrations: VendorIntegrationView[] }>("/api/v1/integrations").catch(() => ({ integrations: [] })),
      get<ProductListResponse>("/api/v1/products").catch(() => ({ products: [] })),
      get<CompanyListResponse>("/api/v1/companies").catch(() => ({ companies: [] })),
    ]).then(([v, p, c]) => setOpts({ vendors: v.integrations, products: p.products, companies: [...c.companies].sort((a, b) => a.name.localeCompare(b.name)) }));
  }, [ready]);
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
