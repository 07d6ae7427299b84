/**
 * Count rules on the mapping API (issue 12): a rule on a service → product
 * mapping changes the billed count of every row the service feeds, the row
 * shows the raw count, the rule and the billed count, the change is audited
 * before → after, and every bad rule is a 400 naming the field.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { MappingPreviewResponse, ReconciliationPage, ReconRow, ServiceMappingView } from "../../src/shared/api-types.ts";
import { call, type ErrorJson, withKey } from "./helpers/http.ts";
import { seedDemo } from "./helpers/seed.ts";

let key: string;
let serviceId: string;

async function brightSeats(): Promise<ReconRow> {
  const body = (await (await call("/api/v1/agreements/demo_agr_bright/reconciliation", withKey(key))).json()) as ReconciliationPage;
  return body.rows.find((r) => r.productKey === "M365-BP") as ReconRow;
}

function setRule(rule: unknown, product = "M365-BP"): Promise<Response> {
  return call("/api/v1/mappings/services", withKey(key, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ serviceId, productKey: product, rule }) }));
}

beforeAll(async () => {
  key = await seedDemo();
  serviceId = ((await brightSeats()).sources[0] as ReconRow["sources"][number]).serviceId;
});

describe("a count rule on a mapping", () => {
  it("a contract minimum of 50 seats bills 50 for 44 used, says how, and is audited", async () => {
    expect(await brightSeats()).toMatchObject({ vendorQuantity: "44", variance: "4" });
    const res = await setRule({ minimum: "50" });
    expect(res.status).toBe(201);
    const row = await brightSeats();
    // 44 used, minimum 50 → 50 billed; 50 − 40 = +10 seats at $26.00 = $260.00 a month.
    expect(row).toMatchObject({ vendorQuantity: "50", variance: "10", monthlyImpactMinor: 26000 });
    expect(row.sources[0]).toMatchObject({ rawQuantity: "44", quantity: "50", rule: "44 total → min 50 → 50" });
    const audit = await env.DB.prepare("SELECT details FROM audit_log WHERE action = 'mapping.service.rule-changed' ORDER BY seq DESC LIMIT 1").first<{ details: string }>();
    expect(JSON.parse(audit?.details ?? "{}")).toMatchObject({ productKey: "M365-BP", from: { minimum: null }, to: { minimum: "50" } });
  });

  it("blocks of 10 rounded up, then back to the count as it is", async () => {
    expect((await setRule({ round: { mode: "up", step: "10" } })).status).toBe(201);
    expect(await brightSeats()).toMatchObject({ vendorQuantity: "50", variance: "10" });
    expect((await setRule({})).status).toBe(201);
    const row = await brightSeats();
    expect(row).toMatchObject({ vendorQuantity: "44", variance: "4" });
    expect(row.sources[0]?.rule).toBeUndefined();
  });

  it.each<[unknown, string]>([
    [{ basis: "licenses" }, "body.rule.basis"],
    [{ multiplier: "0" }, "body.rule.multiplier"],
    [{ multiplier: "1e3" }, "body.rule.multiplier"],
    [{ offset: "two" }, "body.rule.offset"],
    [{ round: { mode: "ceil", step: "10" } }, "body.rule.round.mode"],
    [{ round: { mode: "up", step: "-10" } }, "body.rule.round.step"],
    [{ minimum: "-1" }, "body.rule.minimum"],
    [{ minimum: "10", maximum: "5" }, "body.rule.maximum"],
    [{ maximum: true }, "body.rule.maximum"],
    [{ floor: 3 }, "body.rule"],
  ])("%j → 400 naming %s", async (rule, field) => {
    const res = await setRule(rule);
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorJson;
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.message.startsWith(field)).toBe(true);
  });
});

describe("previewing a rule before saving it (issue 12 §5)", () => {
  const post = (path: string, body: unknown) => call(path, withKey(key, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
  const mapping = async () => (await (await call(`/api/v1/mappings/services/${serviceId}/M365-BP`, withKey(key))).json()) as ServiceMappingView;

  it("a cap of 40 seats: the preview names the one row it changes and the money, saves nothing, and saving gives exactly that row", async () => {
    expect((await mapping()).rule).toEqual({ basis: "total", multiplier: "1", offset: "0", round: { mode: "none", step: "1" }, minimum: null, maximum: null });
    const res = await post("/api/v1/mappings/preview", { serviceId, productKey: "M365-BP", rule: { maximum: "40" } });
    expect(res.status).toBe(200);
    const preview = (await res.json()) as MappingPreviewResponse;
    // The demo's Pax8 Business Premium counts: Acme 25, Brightline 44, Foxglove 9, Granite 36,
    // Keystone 14 — only Brightline is above 40. Brightline bills 40 at $26.00 (ConnectWise:
    // quantity × unit price), so its 4 unbilled seats ($104.00 a month) are no longer under-billed.
    expect(preview.changes).toHaveLength(1);
    expect(preview.changes[0]).toMatchObject({
      change: "changes", agreementName: "Brightline — Cloud & Security",
      before: { status: "increase", vendorQuantity: "44", variance: "4", monthlyImpactMinor: 10400 },
      after: { status: "match", vendorQuantity: "40" },
    });
    expect(preview.totals).toEqual([{ currency: "USD", underBilledDeltaMinor: -10400, overBilledDeltaMinor: 0 }]);
    // Nothing saved.
    expect(await brightSeats()).toMatchObject({ vendorQuantity: "44", variance: "4" });
    expect((await mapping()).rule.maximum).toBeNull();

    expect((await setRule({ maximum: "40" })).status).toBe(201);
    const row = await brightSeats();
    expect({ status: row.status, vendorQuantity: row.vendorQuantity, variance: row.variance, monthlyImpactMinor: row.monthlyImpactMinor }).toEqual({
      status: preview.changes[0]?.after?.status, vendorQuantity: preview.changes[0]?.after?.vendorQuantity, variance: preview.changes[0]?.after?.variance, monthlyImpactMinor: preview.changes[0]?.after?.monthlyImpactMinor,
    });
    expect((await mapping()).rule).toMatchObject({ maximum: "40", minimum: null });
    const list = (await (await call("/api/v1/mappings", withKey(key))).json()) as { services: ServiceMappingView[] };
    expect(list.services.find((s) => s.serviceId === serviceId && s.productKey === "M365-BP")?.rule.maximum).toBe("40");
  });

  it("previews a change against the rule in force, and the mapping as it is changes nothing (it is not counted twice)", async () => {
    // In force: max 40. Back to the count as it is: Brightline's 44 returns.
    const back = (await (await post("/api/v1/mappings/preview", { serviceId, productKey: "M365-BP", rule: {} })).json()) as MappingPreviewResponse;
    expect(back.changes.map((c) => [c.before?.vendorQuantity, c.after?.vendorQuantity])).toEqual([["40", "44"]]);
    const same = (await (await post("/api/v1/mappings/preview", { serviceId, productKey: "M365-BP" })).json()) as MappingPreviewResponse;
    expect(same).toEqual({ changes: [], totals: [], truncated: false });
    expect((await setRule({})).status).toBe(201);
  });

  it.each<[unknown, string]>([
    [{ minimum: "-5" }, "body.rule.minimum"],
    [{ round: { mode: "up", step: "0" } }, "body.rule.round.step"],
    [{ basis: "seats" }, "body.rule.basis"],
  ])("a bad rule %j in a preview → 400 naming %s", async (rule, field) => {
    const res = await post("/api/v1/mappings/preview", { serviceId, productKey: "M365-BP", rule });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorJson).error.message.startsWith(field)).toBe(true);
  });

  it("one mapping's rule is read by id; an unknown mapping is a 404", async () => {
    expect(await mapping()).toMatchObject({ serviceId, productKey: "M365-BP", serviceName: "Microsoft 365 Business Premium" });
    expect((await call(`/api/v1/mappings/services/${serviceId}/NOPE`, withKey(key))).status).toBe(404);
  });
});

describe("an integration's arrears calendar", () => {
  async function juniperFirewalls(): Promise<ReconRow> {
    const body = (await (await call("/api/v1/agreements/demo_agr_juniper/reconciliation", withKey(key))).json()) as ReconciliationPage;
    return body.rows.find((r) => r.productKey === "FW-MGMT") as ReconRow;
  }
  function setCalendar(calendar: unknown): Promise<Response> {
    return call("/api/v1/integrations/demo_int_sonicwall/calendar", withKey(key, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(calendar) }));
  }

  it("the demo's SonicWall report (in arrears) waits for last month; reporting the current month, its two-month-old count is compared", async () => {
    const waiting = await juniperFirewalls();
    expect(waiting.status).toBe("waiting");
    expect(waiting.reasons[0]).toMatch(/^(Waiting for \w+'s usage|\w+'s usage is overdue) for Juniper Realty \/ Managed firewalls \(expected after \w{3} 5\)/);
    const res = await setCalendar({ covers: "current", completeAfterDay: 1 });
    expect(res.status).toBe(200);
    // Juniper has no firewall line: with the count taken as it is, two firewalls are a missing line (stale too: 20 days old).
    expect((await juniperFirewalls()).status).toBe("stale");
    expect((await setCalendar({ covers: "previous", completeAfterDay: 5 })).status).toBe(200);
    expect((await juniperFirewalls()).status).toBe("waiting");
    const audit = await env.DB.prepare("SELECT details FROM audit_log WHERE action = 'integration.calendar-changed' ORDER BY seq DESC LIMIT 1").first<{ details: string }>();
    expect(JSON.parse(audit?.details ?? "{}")).toMatchObject({ from: { covers: "current" }, to: { covers: "previous", completeAfterDay: 5 } });
  });

  it.each<[unknown, string]>([
    [{ covers: "later", completeAfterDay: 5 }, "body.covers"],
    [{ covers: "previous", completeAfterDay: 31 }, "body.completeAfterDay"],
    [{ covers: "previous", completeAfterDay: 5.5 }, "body.completeAfterDay"],
    [{ covers: "previous" }, "body.completeAfterDay"],
    [{ covers: "previous", completeAfterDay: 5, services: "seats" }, "body.services"],
  ])("%j → 400 naming %s", async (calendar, field) => {
    const res = await setCalendar(calendar);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorJson).error.message.startsWith(field)).toBe(true);
  });
});

describe("count basis: several measures of one service", () => {
  it("stores total and assigned apart; a rule with basis assigned bills the assigned seats", async () => {
    const counts = (measure: string | undefined, quantity: string) => ({
      account: { id: "tenant-assigned", name: "Brightline Logistics" },
      service: { id: "bp-measured", name: "Business Premium (CIPP)", category: "seat" },
      quantity,
      ...(measure ? { measure } : {}),
    });
    const body = { counts: [counts(undefined, "44"), counts("assigned", "41")] };
    const push = await call("/api/v1/usage", withKey(key, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
    expect(push.status).toBe(201);
    const stored = await env.DB.prepare("SELECT measure, quantity FROM usage_counts WHERE service_id = (SELECT id FROM vendor_services WHERE external_id = 'bp-measured') ORDER BY measure").all<{ measure: string; quantity: string }>();
    expect(stored.results).toEqual([{ measure: "assigned", quantity: "41" }, { measure: "total", quantity: "44" }]);
    const account = await env.DB.prepare("SELECT id FROM vendor_accounts WHERE external_id = 'tenant-assigned'").first<{ id: string }>();
    const service = await env.DB.prepare("SELECT id FROM vendor_services WHERE external_id = 'bp-measured'").first<{ id: string }>();
    // Map this account to Lakeside (no Business Premium line there), and the service with basis "assigned".
    const post = (path: string, b: unknown) => call(path, withKey(key, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b) }));
    expect((await post("/api/v1/mappings/accounts", { accountId: account?.id, companyId: "demo_co_lake" })).status).toBe(200);
    expect((await post("/api/v1/mappings/services", { serviceId: service?.id, productKey: "M365-BP", rule: { basis: "assigned", minimum: "42" } })).status).toBe(201);
    const lake = (await (await call("/api/v1/agreements/demo_agr_lake/reconciliation", withKey(key))).json()) as ReconciliationPage;
    const row = lake.rows.find((r) => r.productKey === "M365-BP") as ReconRow;
    // 41 assigned → min 42 → 42 (the total of 44 is not what this mapping bills).
    expect(row).toMatchObject({ status: "missing-line", vendorQuantity: "42" });
    expect(row.sources[0]).toMatchObject({ rawQuantity: "41", rule: "41 assigned → min 42 → 42" });
  });

  it("refuses an unknown measure naming the field", async () => {
    const body = { counts: [{ account: { id: "a", name: "A" }, service: { id: "s", name: "S", category: "seat" }, quantity: "1", measure: "licensed" }] };
    const res = await call("/api/v1/usage", withKey(key, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorJson).error.message).toMatch(/^body\.counts\[0\]\.measure/);
  });
});
