/**
 * Proof that persisted, incremental reconciliation changes nothing (issue 8):
 * random sequences of events — PSA syncs (the sync's own persistence
 * statements), usage pushes (pushCounts), account and service mappings
 * (mapping service), decisions (dismissals), the tenant's stale threshold and
 * clock moves — go through the real services, each followed by what the app
 * does after a write (settle) or what the cron does when time passes
 * (recheck). After every step the persisted rows must equal a fresh
 * whole-tenant reconcile of the same data, history included.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCountRule } from "../../src/core/reconcile/count-rules.ts";
import { reconcile } from "../../src/core/reconcile/engine.ts";
import type { ReconRow } from "../../src/core/reconcile/types.ts";
import type { AgreementRecord, LineRecord } from "../../src/core/psa/records.ts";
import { createDb, type Db } from "../../src/db/client.ts";
import { agreementSnapshotStatements, runGroupedBatches, type SyncStamp } from "../../src/db/repos/psa-records.ts";
import { readRowPage } from "../../src/db/repos/recon-rows.ts";
import { loadTenantSnapshot } from "../../src/db/repos/snapshot.ts";
import type { TenantPrincipal } from "../../src/env.ts";
import { mapAccount, mapService, unmapAccount, unmapService } from "../../src/services/ingest/mapping.ts";
import { setIntegrationCalendar } from "../../src/services/ingest/calendar.ts";
import { pushCounts } from "../../src/services/ingest/push.ts";
import { createDecision } from "../../src/services/psa/decisions.ts";
import { recomputeTenant } from "../../src/services/recon/recompute.ts";
import { recheckTenant, settleTenant } from "../../src/services/recon/settle.ts";
import { createTenant } from "./helpers/http.ts";

const COMPANIES = ["1", "2", "3"] as const;
const AGREEMENTS = [
  { psaId: "11", company: "1" },
  { psaId: "12", company: "1" },
  { psaId: "21", company: "2" },
  { psaId: "31", company: "3" },
] as const;
const PRODUCTS = ["P-SEAT", "P-EDR", "P-CONS"] as const;
const ACCOUNTS = ["acct-a", "acct-b", "acct-c", "acct-d"] as const;
const SERVICES = [
  { id: "svc-seat", category: "seat" },
  { id: "svc-edr", category: "seat" },
  { id: "svc-cons", category: "consumption" },
] as const;

type Event =
  | { kind: "sync"; agreement: number; status: "Active" | "Inactive"; cancelled: boolean; cycle: "monthly" | "quarterly"; endsInDays: number | null; lines: LineSpec[] }
  | { kind: "push"; account: number; service: number; quantity: string; monthsBack: number; hoursAgo: number }
  | { kind: "map-account"; account: number; company: number; pin: number | null }
  | { kind: "unmap-account"; account: number }
  | { kind: "map-service"; service: number; product: number }
  | { kind: "unmap-service"; service: number; product: number }
  | { kind: "rule"; service: number; product: number; minimum: string | null; step: string | null }
  | { kind: "dismiss"; agreement: number; product: number }
  | { kind: "undo-dismiss" }
  | { kind: "calendar"; covers: "current" | "previous"; day: number }
  | { kind: "stale"; hours: number }
  | { kind: "clock"; hours: number };

interface LineSpec {
  n: number;
  product: number;
  quantity: number;
  priceMinor: number;
  cancelledInDays: number | null;
}

const lineSpec = fc.record({
  n: fc.integer({ min: 1, max: 3 }),
  product: fc.integer({ min: 0, max: PRODUCTS.length - 1 }),
  quantity: fc.constantFrom(0, 1, 5, 12, 25, 40),
  priceMinor: fc.constantFrom(600, 1250, 2200, 4200),
  cancelledInDays: fc.option(fc.integer({ min: -3, max: 40 }), { nil: null }),
});

const event: fc.Arbitrary<Event> = fc.oneof(
  { weight: 3, arbitrary: fc.record({
    kind: fc.constant("sync" as const),
    agreement: fc.integer({ min: 0, max: AGREEMENTS.length - 1 }),
    status: fc.constantFrom("Active" as const, "Active" as const, "Inactive" as const),
    cancelled: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    cycle: fc.constantFrom("monthly" as const, "quarterly" as const),
    endsInDays: fc.option(fc.integer({ min: -5, max: 60 }), { nil: null, freq: 4 }),
    lines: fc.array(lineSpec, { maxLength: 4 }),
  }) },
  { weight: 4, arbitrary: fc.record({
    kind: fc.constant("push" as const),
    account: fc.integer({ min: 0, max: ACCOUNTS.length - 1 }),
    service: fc.integer({ min: 0, max: SERVICES.length - 1 }),
    quantity: fc.constantFrom("0", "1", "1", "5", "12", "40", "2.5"),
    monthsBack: fc.integer({ min: 0, max: 2 }),
    hoursAgo: fc.constantFrom(0, 0, 1, 2, 5, 30, 200),
  }) },
  { weight: 3, arbitrary: fc.record({
    kind: fc.constant("map-account" as const),
    account: fc.integer({ min: 0, max: ACCOUNTS.length - 1 }),
    company: fc.integer({ min: 0, max: COMPANIES.length - 1 }),
    pin: fc.option(fc.integer({ min: 0, max: AGREEMENTS.length - 1 }), { nil: null, freq: 3 }),
  }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("unmap-account" as const), account: fc.integer({ min: 0, max: ACCOUNTS.length - 1 }) }) },
  { weight: 3, arbitrary: fc.record({
    kind: fc.constant("map-service" as const),
    service: fc.integer({ min: 0, max: SERVICES.length - 1 }),
    product: fc.integer({ min: 0, max: PRODUCTS.length - 1 }),
  }) },
  { weight: 1, arbitrary: fc.record({
    kind: fc.constant("unmap-service" as const),
    service: fc.integer({ min: 0, max: SERVICES.length - 1 }),
    product: fc.integer({ min: 0, max: PRODUCTS.length - 1 }),
  }) },
  { weight: 2, arbitrary: fc.record({
    kind: fc.constant("rule" as const),
    service: fc.integer({ min: 0, max: SERVICES.length - 1 }),
    product: fc.integer({ min: 0, max: PRODUCTS.length - 1 }),
    minimum: fc.constantFrom(null, "10", "25"),
    step: fc.constantFrom(null, "5", "10"),
  }) },
  { weight: 2, arbitrary: fc.record({
    kind: fc.constant("dismiss" as const),
    agreement: fc.integer({ min: 0, max: AGREEMENTS.length - 1 }),
    product: fc.integer({ min: 0, max: PRODUCTS.length - 1 }),
  }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("undo-dismiss" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("calendar" as const), covers: fc.constantFrom("current" as const, "previous" as const), day: fc.constantFrom(5, 20) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("stale" as const), hours: fc.constantFrom(24, 72, 168) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("clock" as const), hours: fc.constantFrom(1, 1, 5, 30, 24 * 9, 24 * 20) }) },
);

/** Every run starts from a small mapped tenant, so random events perturb rows worth comparing. */
const PRELUDE: Event[] = [
  { kind: "sync", agreement: 0, status: "Active", cancelled: false, cycle: "monthly", endsInDays: null, lines: [{ n: 1, product: 0, quantity: 12, priceMinor: 2200, cancelledInDays: null }] },
  { kind: "sync", agreement: 2, status: "Active", cancelled: false, cycle: "monthly", endsInDays: null, lines: [{ n: 1, product: 1, quantity: 5, priceMinor: 600, cancelledInDays: null }] },
  { kind: "push", account: 0, service: 0, quantity: "12", monthsBack: 0, hoursAgo: 1 },
  { kind: "push", account: 1, service: 1, quantity: "5", monthsBack: 0, hoursAgo: 1 },
  { kind: "map-account", account: 0, company: 0, pin: null },
  { kind: "map-account", account: 1, company: 1, pin: null },
  { kind: "map-service", service: 0, product: 0 },
  { kind: "map-service", service: 1, product: 1 },
];

const DAY_MS = 86_400_000;

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function period(now: Date, monthsBack: number): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, 1));
  return d.toISOString().slice(0, 7);
}

class World {
  now = new Date("2026-11-12T09:30:00.000Z");
  readonly db: Db = createDb(env.DB);
  readonly tenantId: string;
  readonly who: TenantPrincipal;
  constructor(tenantId: string, who: TenantPrincipal) {
    this.tenantId = tenantId;
    this.who = who;
  }

  async apply(e: Event): Promise<void> {
    const db = this.db;
    switch (e.kind) {
      case "sync":
        return this.sync(e);
      case "push": {
        const service = SERVICES[e.service];
        const account = ACCOUNTS[e.account];
        if (!service || !account) return;
        const item = {
          account: { id: account, name: `Account ${account}` },
          service: { id: service.id, name: `Service ${service.id}`, category: service.category },
          quantity: e.quantity,
          period: period(this.now, e.monthsBack),
          observedAt: new Date(this.now.getTime() - e.hoursAgo * 3_600_000).toISOString(),
        };
        const input = { counts: [item] };
        await pushCounts(db, this.who, input, JSON.stringify(input), null, this.now);
        return;
      }
      case "map-account": {
        const accountId = await this.accountId(e.account);
        const company = await this.companyId(e.company);
        if (!accountId || !company) return;
        const pinned = e.pin === null ? null : await this.agreementId(e.pin);
        const agreementId = pinned && (await this.agreementCompany(pinned)) === company ? pinned : null;
        await mapAccount(db, this.who, { accountId, companyId: company, agreementId }, this.now);
        return;
      }
      case "unmap-account": {
        const accountId = await this.accountId(e.account);
        if (!accountId) return;
        await unmapAccount(db, this.who, accountId, this.now).catch(ignoreNotFound);
        return;
      }
      case "map-service": {
        const serviceId = await this.serviceId(e.service);
        if (!serviceId) return;
        await mapService(db, this.who, { serviceId, productKey: PRODUCTS[e.product] ?? "P-SEAT" }, this.now).catch(ignoreValidation);
        return;
      }
      case "unmap-service": {
        const serviceId = await this.serviceId(e.service);
        if (!serviceId) return;
        await unmapService(db, this.who, serviceId, PRODUCTS[e.product] ?? "P-SEAT", this.now).catch(ignoreNotFound);
        return;
      }
      case "rule": {
        const serviceId = await this.serviceId(e.service);
        if (!serviceId) return;
        const rule = parseCountRule({ minimum: e.minimum, ...(e.step ? { round: { mode: "up", step: e.step } } : {}) });
        if (!rule.ok) throw new Error(rule.error);
        await mapService(db, this.who, { serviceId, productKey: PRODUCTS[e.product] ?? "P-SEAT" }, this.now, undefined, rule.value).catch(ignoreValidation);
        return;
      }
      case "dismiss": {
        const agreementId = await this.agreementId(e.agreement);
        if (!agreementId) return;
        const req = { agreementId, productKey: PRODUCTS[e.product] ?? "P-SEAT", action: "dismiss" as const, note: "Customer pays the vendor directly" };
        await createDecision(env, db, this.who, req, null, this.now).catch(ignoreNotFound);
        return;
      }
      case "undo-dismiss": {
        const last = await env.DB.prepare("SELECT id, agreement_id AS agreementId FROM decisions WHERE tenant_id = ?1 AND action = 'dismiss' ORDER BY created_at DESC, id DESC LIMIT 1")
          .bind(this.tenantId)
          .first<{ id: string; agreementId: string }>();
        if (!last) return;
        await createDecision(env, db, this.who, { agreementId: last.agreementId, action: "revert", revertsDecisionId: last.id }, null, this.now);
        return;
      }
      case "calendar": {
        const integration = await this.one("SELECT id FROM vendor_integrations WHERE tenant_id = ?1 LIMIT 1", this.tenantId);
        if (!integration) return;
        await setIntegrationCalendar(db, this.who, integration, { covers: e.covers, completeAfterDay: e.day, services: "all" }, this.now);
        return;
      }
      case "stale":
        await env.DB.prepare("UPDATE tenants SET stale_after_hours = ?1 WHERE id = ?2").bind(e.hours, this.tenantId).run();
        return;
      case "clock":
        this.now = new Date(this.now.getTime() + e.hours * 3_600_000);
        return;
    }
  }

  private async sync(e: Extract<Event, { kind: "sync" }>): Promise<void> {
    const spec = AGREEMENTS[e.agreement];
    if (!spec) return;
    const stamp: SyncStamp = { tenantId: this.tenantId, integrationId: "pint_test", psa: "connectwise", at: this.now.toISOString(), today: isoDate(this.now.getTime()) };
    const agreement: AgreementRecord = {
      psaId: spec.psaId,
      company: { psaId: spec.company, name: `Company ${spec.company}`, identifier: null },
      name: `Agreement ${spec.psaId}`,
      type: "Managed Services",
      status: e.status,
      billingCycle: e.cycle,
      startDate: null,
      endDate: e.endsInDays === null ? null : isoDate(this.now.getTime() + e.endsInDays * DAY_MS),
      cancelled: e.cancelled,
      flatRate: false,
      currency: "USD",
      allowsEffectiveDate: false,
      psaLastUpdated: null,
      recurringActive: e.status === "Active" && !e.cancelled,
    };
    const byId = new Map<string, LineRecord>();
    for (const l of e.lines) {
      byId.set(`${spec.psaId}-${l.n}`, {
        psaId: `${spec.psaId}-${l.n}`,
        productKey: PRODUCTS[l.product] ?? "P-SEAT",
        productName: `Product ${PRODUCTS[l.product]}`,
        quantity: String(l.quantity),
        lessIncluded: "0",
        unitPriceMinor: l.priceMinor,
        unitCostMinor: Math.floor(l.priceMinor / 2),
        unitPrice: (l.priceMinor / 100).toFixed(2),
        unitCost: (Math.floor(l.priceMinor / 2) / 100).toFixed(2),
        billCustomer: "Billable",
        effectiveDate: null,
        cancelledDate: l.cancelledInDays === null ? null : isoDate(this.now.getTime() + l.cancelledInDays * DAY_MS),
      });
    }
    await runGroupedBatches(this.db, [agreementSnapshotStatements(this.db, stamp, agreement, [...byId.values()])]);
  }

  async one(sql: string, ...params: unknown[]): Promise<string | null> {
    const row = await env.DB.prepare(sql).bind(...params).first<{ id: string }>();
    return row?.id ?? null;
  }
  private accountId(i: number) {
    return this.one("SELECT id FROM vendor_accounts WHERE tenant_id = ?1 AND external_id = ?2", this.tenantId, ACCOUNTS[i]);
  }
  private serviceId(i: number) {
    return this.one("SELECT id FROM vendor_services WHERE tenant_id = ?1 AND external_id = ?2", this.tenantId, SERVICES[i]?.id);
  }
  private companyId(i: number) {
    return this.one("SELECT id FROM psa_companies WHERE tenant_id = ?1 AND psa_id = ?2", this.tenantId, COMPANIES[i]);
  }
  private agreementId(i: number) {
    return this.one("SELECT id FROM agreements WHERE tenant_id = ?1 AND psa_id = ?2", this.tenantId, AGREEMENTS[i]?.psaId);
  }
  private agreementCompany(agreementId: string) {
    return this.one("SELECT company_id AS id FROM agreements WHERE tenant_id = ?1 AND id = ?2", this.tenantId, agreementId);
  }

  /** What the app does after a write, or the cron after time passed. */
  async settle(e: Event): Promise<void> {
    if (e.kind === "clock") await recheckTenant(env, this.db, this.tenantId, this.now);
    else await settleTenant(env, this.db, this.tenantId, this.now, 10_000);
  }

  async persisted(): Promise<ReconRow[]> {
    const rows: ReconRow[] = [];
    let after = null;
    for (;;) {
      const page = await readRowPage(this.db, this.tenantId, {}, after, 500);
      rows.push(...page.rows.map(({ computedAt: _computedAt, ...row }) => row));
      if (page.next === null) return rows;
      after = page.next;
    }
  }

  async fresh(): Promise<ReconRow[]> {
    return reconcile({ now: this.now, ...(await loadTenantSnapshot(this.db, this.tenantId)) });
  }
}

/** The first difference, spelled out (the default diff of two row arrays is unreadable). */
function describeDifference(persisted: ReconRow[], fresh: ReconRow[]): string {
  const keys = (rows: ReconRow[]) => rows.map((r) => r.key).join(" ");
  if (keys(persisted) !== keys(fresh)) return `persisted keys: ${keys(persisted)}\nfresh keys:     ${keys(fresh)}`;
  for (const [i, row] of persisted.entries()) {
    const other = fresh[i] as ReconRow;
    for (const field of Object.keys(row) as (keyof ReconRow)[]) {
      if (JSON.stringify(row[field]) !== JSON.stringify(other[field])) {
        return `${row.key}.${field}: persisted ${JSON.stringify(row[field])} fresh ${JSON.stringify(other[field])}`;
      }
    }
  }
  return "no difference";
}

function ignoreNotFound(error: unknown): void {
  if (!(error instanceof Error) || !/not found/i.test(error.message)) throw error;
}

function ignoreValidation(error: unknown): void {
  if (!(error instanceof Error) || !/no agreement line has product|not found/i.test(error.message)) throw error;
}

describe("persisted reconciliation equals a fresh whole-tenant reconcile", () => {
  it("after every step of random event sequences", async () => {
    let run = 0;
    const reached = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 2, maxLength: 14 }), async (events) => {
        run += 1;
        const { tenantId } = await createTenant(`Property ${run}`);
        const world = new World(tenantId, { tenantId, via: "api-key", actor: "test" });
        for (const [step, e] of [...PRELUDE, ...events].entries()) {
          await world.apply(e);
          await world.settle(e);
          const [persisted, fresh] = await Promise.all([world.persisted(), world.fresh()]);
          expect(persisted, `step ${step}: ${JSON.stringify(e)}\n${describeDifference(persisted, fresh)}`).toEqual(fresh);
          for (const row of persisted) reached.add(row.dismissed ? "dismissed" : row.status);
        }
      }),
      { numRuns: 50, seed: 8_2026, endOnFailure: true },
    );
    // The generator must reach the states worth comparing, or the property proves little.
    expect([...reached].sort()).toEqual(expect.arrayContaining(["decrease", "dismissed", "increase", "match", "missing-line", "no-usage", "stale", "unmapped-account", "unmapped-service"]));
  }, 120_000);

  it("a scripted month: every kind of event, compared after each", async () => {
    const { tenantId } = await createTenant("Scripted");
    const world = new World(tenantId, { tenantId, via: "api-key", actor: "test" });
    const script: Event[] = [
      { kind: "sync", agreement: 0, status: "Active", cancelled: false, cycle: "monthly", endsInDays: null, lines: [{ n: 1, product: 0, quantity: 10, priceMinor: 2200, cancelledInDays: null }] },
      { kind: "push", account: 0, service: 0, quantity: "12", monthsBack: 0, hoursAgo: 1 },
      { kind: "map-account", account: 0, company: 0, pin: null },
      { kind: "map-service", service: 0, product: 0 },
      { kind: "push", account: 0, service: 0, quantity: "9", monthsBack: 0, hoursAgo: 0 },
      { kind: "push", account: 0, service: 0, quantity: "30", monthsBack: 1, hoursAgo: 0 },
      { kind: "sync", agreement: 1, status: "Active", cancelled: false, cycle: "quarterly", endsInDays: 20, lines: [{ n: 1, product: 0, quantity: 15, priceMinor: 1250, cancelledInDays: null }] },
      { kind: "push", account: 1, service: 2, quantity: "1", monthsBack: 0, hoursAgo: 3 },
      { kind: "push", account: 2, service: 2, quantity: "1", monthsBack: 0, hoursAgo: 3 },
      { kind: "stale", hours: 24 },
      { kind: "clock", hours: 30 },
      { kind: "unmap-service", service: 0, product: 0 },
      { kind: "map-service", service: 0, product: 0 },
      { kind: "unmap-account", account: 0 },
      { kind: "clock", hours: 24 * 20 },
    ];
    const seen = new Set<string>();
    for (const [step, e] of script.entries()) {
      await world.apply(e);
      await world.settle(e);
      const [persisted, fresh] = await Promise.all([world.persisted(), world.fresh()]);
      expect(persisted, `step ${step}: ${JSON.stringify(e)}\n${describeDifference(persisted, fresh)}`).toEqual(fresh);
      for (const row of persisted) seen.add(row.status);
    }
    // The script reaches the statuses whose inputs differ most.
    expect([...seen].sort()).toEqual(expect.arrayContaining(["decrease", "increase", "stale", "unmapped-account", "unmapped-service"]));
  });

  it("a full recompute rebuilds the same rows from scratch", async () => {
    const { tenantId } = await createTenant("Full recompute");
    const world = new World(tenantId, { tenantId, via: "api-key", actor: "test" });
    const script: Event[] = [
      { kind: "sync", agreement: 0, status: "Active", cancelled: false, cycle: "monthly", endsInDays: null, lines: [{ n: 1, product: 0, quantity: 10, priceMinor: 2200, cancelledInDays: null }] },
      { kind: "sync", agreement: 2, status: "Active", cancelled: false, cycle: "monthly", endsInDays: null, lines: [{ n: 1, product: 1, quantity: 4, priceMinor: 600, cancelledInDays: null }] },
      { kind: "push", account: 0, service: 0, quantity: "12", monthsBack: 0, hoursAgo: 1 },
      { kind: "push", account: 1, service: 1, quantity: "5", monthsBack: 0, hoursAgo: 2 },
      { kind: "map-account", account: 0, company: 0, pin: null },
      { kind: "map-service", service: 0, product: 0 },
    ];
    for (const e of script) await world.apply(e);
    // Wipe the persisted rows as a broken deploy might, then rebuild.
    await env.DB.prepare("DELETE FROM recon_rows WHERE tenant_id = ?1").bind(tenantId).run();
    const result = await recomputeTenant(world.db, tenantId, world.now);
    expect(result.scopes).toBeGreaterThanOrEqual(3);
    expect(await world.persisted()).toEqual(await world.fresh());
    expect((await world.persisted()).find((r) => r.productKey === "P-SEAT")).toMatchObject({ status: "increase", psaQuantity: "10", vendorQuantity: "12" });
  });
});
