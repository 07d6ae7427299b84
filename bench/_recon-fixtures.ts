/**
 * Tenants for bench/recon-scale.ts, built the way production data arrives:
 * the ConnectWise simulator is seeded (`/_sim/seed/scale`), the tenant
 * connects through the API and a real full sync pulls the agreements; usage
 * comes through `POST /api/v1/usage` in ≤ 10,000-count batches with an
 * Idempotency-Key, one month at a time, oldest first; accounts are
 * auto-matched to companies by name and the services mapped to products
 * through the mapping API. Line `l` of customer `c` is product SCALE-(l+1);
 * vendor service svc-(l+1) of account acct-c counts it.
 */
import { scaleProduct, scaleQuantity } from "../test/sim/connectwise/datasets.ts";
import { SIM_CW_DEFAULTS } from "../test/sim/connectwise/app.ts";
import type { LocalStack } from "../scripts/sim-server.ts";

export const LINES_PER_COMPANY = 20;
const PUSH_BATCH = 10_000;

export interface Answer<T> {
  status: number;
  body: T;
  ms: number;
  headers: Headers;
}

/** One JSON call to the Worker, timed from send to the end of the body. */
export async function call<T = unknown>(base: string, key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const started = performance.now();
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed as T, ms, headers: res.headers };
}

async function ok<T>(answer: Promise<Answer<T>>, what: string, status = 200): Promise<T> {
  const a = await answer;
  if (a.status !== status) throw new Error(`${what}: ${a.status} ${JSON.stringify(a.body).slice(0, 400)}`);
  return a.body;
}

export interface TenantSpec {
  label: string;
  companies: number;
  agreements: number;
  periods: number;
}

export interface BenchAgreement {
  cwId: number;
  companyNo: number;
  /** Line indexes (0-based, per company) of this agreement. */
  lines: number[];
}

export interface BenchTenant {
  spec: TenantSpec;
  tenantId: string;
  apiKey: string;
  integrationId: string;
  agreements: BenchAgreement[];
}

export function periodsEndingNow(count: number, now: Date): string[] {
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (count - 1 - i), 1));
    return d.toISOString().slice(0, 7);
  });
}

/** Vendor count of customer c's line l in a period: the PSA quantity, off by 2 on every fifth customer now; history drifts. */
export function vendorQuantity(c: number, l: number, monthsAgo: number): number {
  const now = scaleQuantity(c, l) + (c % 5 === 0 ? 2 : 0);
  return Math.max(0, now - (monthsAgo % 3));
}

export function countItem(c: number, l: number, quantity: number | string, period: string, observedAt: string) {
  return {
    account: { id: `acct-${c}`, name: `Customer ${String(c).padStart(4, "0")}` },
    service: { id: `svc-${l + 1}`, name: `Service ${l + 1}`, category: "seat" as const },
    quantity: String(quantity),
    period,
    observedAt,
  };
}

export async function pushCounts(base: string, key: string, counts: unknown[], idempotencyKey: string, headers: Record<string, string> = {}): Promise<Answer<{ applied?: number }>> {
  const answer = await call<{ applied?: number }>(base, key, "POST", "/api/v1/usage", { counts }, { ...headers, "idempotency-key": idempotencyKey });
  if (answer.status !== 201) throw new Error(`push: ${answer.status} ${JSON.stringify(answer.body).slice(0, 400)}`);
  return answer;
}

function observedAtOf(period: string, now: Date, isCurrent: boolean): string {
  if (isCurrent) return new Date(now.getTime() - 60_000).toISOString();
  const [y, m] = period.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0, 12)).toISOString();
}

async function waitForSync(stack: LocalStack, key: string, runId: string, label: string): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const { run } = await ok(call<{ run: { state: string; agreements: number; lines: number } }>(stack.base, key, "GET", `/api/v1/psa/sync-runs/${runId}`), "sync run");
    if (run.state !== "running") {
      if (run.state !== "done") throw new Error(`${label}: sync ended ${run.state}`);
      console.log(`  ${label}: synced ${run.agreements} agreements, ${run.lines} lines`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`${label}: sync did not finish in 15 min`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Seeds the simulator with `spec`'s PSA data (replacing what it held) and lists its agreements. */
export async function seedSimulator(stack: LocalStack, spec: TenantSpec): Promise<BenchAgreement[]> {
  await fetch(`${stack.cwOrigin}/_sim/reset`, { method: "POST" });
  await fetch(`${stack.cwOrigin}/_sim/seed/scale`, { method: "POST", body: JSON.stringify({ companies: spec.companies, agreements: spec.agreements, linesPerCompany: LINES_PER_COMPANY }) });
  const { agreements } = (await (await fetch(`${stack.cwOrigin}/_sim/agreements`)).json()) as { agreements: Array<{ id: number; company: { id: number } }> };
  const byCompany = new Map<number, number[]>();
  for (const a of agreements) byCompany.set(a.company.id, [...(byCompany.get(a.company.id) ?? []), a.id]);
  return agreements.map((a) => {
    const ids = byCompany.get(a.company.id) ?? [];
    const index = ids.indexOf(a.id);
    return { cwId: a.id, companyNo: a.company.id, lines: Array.from({ length: LINES_PER_COMPANY }, (_, l) => l).filter((l) => l % ids.length === index) };
  });
}

/** Creates a tenant and connects it to the simulator (whose data must be seeded); returns once its full sync is done. */
export async function connectTenant(stack: LocalStack, spec: TenantSpec, agreements: BenchAgreement[]): Promise<BenchTenant> {
  const operator = { authorization: `Bearer ${stack.operatorToken}` };
  const tenant = await ok(call<{ tenantId: string; apiKey: string }>(stack.base, stack.operatorToken, "POST", "/api/admin/tenants", { name: `Recon scale ${spec.label}` }, operator), "tenant", 201);
  const body = { site: stack.cwOrigin, companyId: SIM_CW_DEFAULTS.companyId, publicKey: SIM_CW_DEFAULTS.publicKey, privateKey: SIM_CW_DEFAULTS.privateKey, clientId: SIM_CW_DEFAULTS.clientId };
  const connect = await call<{ integrationId: string; syncRunId: string }>(stack.base, tenant.apiKey, "POST", "/api/v1/psa/connectwise", body);
  if (connect.status >= 300) throw new Error(`connect: ${connect.status} ${JSON.stringify(connect.body)}`);
  await waitForSync(stack, tenant.apiKey, connect.body.syncRunId, spec.label);
  return { spec, tenantId: tenant.tenantId, apiKey: tenant.apiKey, integrationId: connect.body.integrationId, agreements };
}

/** Pushes every period's counts (oldest first) and maps accounts and services after the first period. */
export async function loadUsage(stack: LocalStack, tenant: BenchTenant, now: Date): Promise<void> {
  const { spec } = tenant;
  const periods = periodsEndingNow(spec.periods, now);
  const started = performance.now();
  let pushed = 0;
  for (const [i, period] of periods.entries()) {
    const monthsAgo = periods.length - 1 - i;
    const observedAt = observedAtOf(period, now, monthsAgo === 0);
    const counts = [];
    for (let c = 1; c <= spec.companies; c++) {
      for (let l = 0; l < LINES_PER_COMPANY; l++) counts.push(countItem(c, l, vendorQuantity(c, l, monthsAgo), period, observedAt));
    }
    for (let from = 0; from < counts.length; from += PUSH_BATCH) {
      await pushCounts(stack.base, tenant.apiKey, counts.slice(from, from + PUSH_BATCH), `bench-${tenant.tenantId}-${period}-${from}`);
      pushed += Math.min(PUSH_BATCH, counts.length - from);
    }
    if (i === 0) await mapEverything(stack, tenant);
    console.log(`  ${spec.label}: period ${period} pushed (${pushed} counts, ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
}

async function mapEverything(stack: LocalStack, tenant: BenchTenant): Promise<void> {
  const matched = await ok(call<{ applied: number }>(stack.base, tenant.apiKey, "POST", "/api/v1/mappings/auto-match"), "auto-match");
  const unmapped = await ok(call<{ accounts: unknown[]; services: Array<{ serviceId: string; externalId: string }> }>(stack.base, tenant.apiKey, "GET", "/api/v1/mappings/unmapped"), "unmapped");
  if (unmapped.accounts.length > 0) console.log(`  ${tenant.spec.label}: ${unmapped.accounts.length} accounts left unmapped by auto-match`);
  for (const service of unmapped.services) {
    const l = Number(service.externalId.replace("svc-", "")) - 1;
    await ok(call(stack.base, tenant.apiKey, "POST", "/api/v1/mappings/services", { serviceId: service.serviceId, productKey: scaleProduct(l) }), "map service", 201);
  }
  console.log(`  ${tenant.spec.label}: accounts auto-matched by name (${matched.applied} left for the on-demand pass), ${unmapped.services.length} services mapped`);
}

/** Trueup's id of a ConnectWise agreement (through the pod's context API). */
export async function agreementIdOf(stack: LocalStack, tenant: BenchTenant, cwId: number): Promise<{ id: string; companyId: string }> {
  const query = `integrationId=${tenant.integrationId}&screen=agreement&id=${cwId}`;
  const ctx = await ok(call<{ agreement: { id: string }; company: { id: string } }>(stack.base, tenant.apiKey, "GET", `/api/pod/context?${query}`), "pod context");
  return { id: ctx.agreement.id, companyId: ctx.company.id };
}
