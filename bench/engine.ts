/**
 * Engine benchmark: a synthetic 1,000-customer tenant (1,000 companies,
 * ~1,250 agreements, 20,000 lines, 20,000 latest counts with mappings),
 * reconciled 21 times after a warm-up. Target: median < 100 ms.
 *
 * Run: npx node bench/engine.ts
 */
import { reconcile } from "../src/core/reconcile/engine.ts";
import type {
  AccountMappingInput,
  AgreementInput,
  CompanyInput,
  LineInput,
  ReconcileInput,
  ServiceMappingInput,
  UsageCountInput,
  VendorAccountInput,
  VendorServiceInput,
} from "../src/core/reconcile/types.ts";
import { prng } from "../test/fixtures/prng.ts";

const COMPANIES = 1_000;
const PRODUCTS = 50;
const PRODUCTS_PER_COMPANY = 20;
const RUNS = 21;
const WARM_UP = 5;
const TARGET_MS = 100;

function buildTenant(): ReconcileInput {
  const random = prng(42);
  const now = new Date("2026-06-15T12:00:00Z");
  const companies: CompanyInput[] = [];
  const agreements: AgreementInput[] = [];
  const lines: LineInput[] = [];
  const accounts: VendorAccountInput[] = [];
  const accountMappings: AccountMappingInput[] = [];
  const counts: UsageCountInput[] = [];
  const services: VendorServiceInput[] = [];
  const serviceMappings: ServiceMappingInput[] = [];
  for (let p = 1; p <= PRODUCTS; p++) {
    services.push({ id: `s${p}`, integrationId: "pax8", externalId: `ext-s${p}`, name: `Service ${p}`, category: p % 10 === 0 ? "consumption" : "seat" });
    serviceMappings.push({ serviceId: `s${p}`, productKey: `P${p}` });
    if (p % 25 === 0) serviceMappings.push({ serviceId: `s${p}`, productKey: `P${p - 1}` });
  }
  for (let c = 1; c <= COMPANIES; c++) {
    companies.push({ id: `c${c}`, name: `Customer ${String(c).padStart(4, "0")}` });
    const agreementIds = [`a${c}`];
    if (c % 4 === 0) agreementIds.push(`a${c}b`);
    for (const id of agreementIds) agreements.push(makeAgreement(id, `c${c}`, c));
    accounts.push({ id: `acc${c}`, integrationId: "pax8", externalId: `ext-${c}`, name: `Tenant ${c}` });
    if (c % 50 !== 0) accountMappings.push({ accountId: `acc${c}`, companyId: `c${c}`, agreementId: null });
    for (let j = 0; j < PRODUCTS_PER_COMPANY; j++) {
      const product = ((c + j) % PRODUCTS) + 1;
      const quantity = 1 + Math.floor(random() * 40);
      const agreementId = agreementIds[j % agreementIds.length] ?? `a${c}`;
      lines.push(makeLine(`${c * 100 + j}`, agreementId, product, quantity, random));
      const drift = random() < 0.7 ? 0 : Math.floor(random() * 7) - 3;
      counts.push(makeCount(`acc${c}`, `s${product}`, Math.max(0, quantity + drift), now, random));
    }
  }
  return { now, staleAfterHours: 168, companies, agreements, lines, accounts, services, accountMappings, serviceMappings, counts };
}

function makeAgreement(id: string, companyId: string, c: number): AgreementInput {
  return {
    id,
    companyId,
    name: `Managed Services ${id}`,
    type: "Managed Services",
    status: "Active",
    cancelled: false,
    billingCycle: c % 7 === 0 ? "annual" : "monthly",
    startDate: "2024-01-01",
    endDate: null,
    flatRate: c % 97 === 0,
    currency: "USD",
  };
}

function makeLine(id: string, agreementId: string, product: number, quantity: number, random: () => number): LineInput {
  const price = 500 + Math.floor(random() * 5000);
  return {
    id,
    agreementId,
    productKey: `P${product}`,
    productName: `Product ${product}`,
    quantity: String(quantity),
    lessIncluded: "0",
    unitPriceMinor: price,
    unitCostMinor: Math.floor(price * 0.7),
    currency: "USD",
    billCustomer: random() < 0.97 ? "Billable" : "DoNotBill",
    effectiveDate: null,
    cancelledDate: null,
  };
}

function makeCount(accountId: string, serviceId: string, quantity: number, now: Date, random: () => number): UsageCountInput {
  const hoursAgo = Math.floor(random() * 200);
  return {
    accountId,
    serviceId,
    period: "2026-06",
    quantity: random() < 0.1 ? `${quantity}.5` : String(quantity),
    costMinor: null,
    costCurrency: null,
    observedAt: new Date(now.getTime() - hoursAgo * 3_600_000).toISOString(),
    sourceKind: "vendor-api",
    sourceRef: `run-${hoursAgo}`,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

const tenant = buildTenant();
let rows = 0;
for (let i = 0; i < WARM_UP; i++) rows = reconcile(tenant).length;
const timings: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const started = performance.now();
  reconcile(tenant);
  timings.push(performance.now() - started);
}
timings.sort((a, b) => a - b);
const median = percentile(timings, 50);
const p95 = percentile(timings, 95);
console.log(
  `engine: ${COMPANIES} customers, ${tenant.agreements.length} agreements, ${tenant.lines.length} lines, ${tenant.counts.length} counts → ${rows} rows — ` +
    `median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (target < ${TARGET_MS} ms)`,
);
if (median >= TARGET_MS) {
  console.error(`engine: median ${median.toFixed(1)} ms misses the ${TARGET_MS} ms target`);
  process.exitCode = 1;
}
