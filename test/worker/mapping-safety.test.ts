/**
 * Mapping cannot create false charges with one click (issue 9 §3): a preview
 * of what a mapping does (rows and money per month) before it is saved, the
 * previous mapping returned for Undo, "Not a customer / ignore" removing an
 * account's usage from every view until un-ignored, and auto-match by domain.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { IgnoredAccountsResponse, MapAccountResponse, MappingPreviewResponse, ReconciliationResponse, UnmappedResponse } from "../../src/shared/api-types.ts";
import { authed, count, createTenant, type ErrorBody, json, rows, seedPsa } from "../fixtures/ingest/worker-helpers.ts";

let tenant: { tenantId: string; apiKey: string };
const T = () => tenant.tenantId;
const id = (s: string) => `${T()}_${s}`;

beforeAll(async () => {
  tenant = await createTenant("Mapping safety MSP");
  await seedPsa(T(), {
    companies: [
      { id: id("contoso"), name: "Contoso Pharmaceuticals", domain: "contoso-pharma.com" },
      { id: id("tailspin"), name: "Tailspin Toys" },
    ],
    agreements: [{ id: id("agr-contoso"), companyId: id("contoso") }, { id: id("agr-tailspin"), companyId: id("tailspin") }],
    lines: [
      { id: id("line-epp"), agreementId: id("agr-contoso"), productKey: "EPP", productName: "Endpoint Protection", quantity: "8", unitPriceMinor: 500 },
      { id: id("line-bkp"), agreementId: id("agr-tailspin"), productKey: "BKP", productName: "Cloud Backup", quantity: "3", unitPriceMinor: 700 },
    ],
  });
});

const post = (path: string, body: unknown) => authed(tenant.apiKey, path, "POST", body);
const push = (counts: unknown[]) => post("/api/v1/usage", { counts });
const recon = async (agreement: string) => json<ReconciliationResponse>(await authed(tenant.apiKey, `/api/v1/agreements/${id(agreement)}/reconciliation`), 200);
const tenantRecon = async () => json<ReconciliationResponse>(await authed(tenant.apiKey, "/api/v1/reconciliation?limit=500"), 200);

async function lookup(table: "vendor_accounts" | "vendor_services", externalId: string): Promise<string> {
  const [row] = await rows<{ id: string }>(`SELECT id FROM ${table} WHERE tenant_id = ? AND external_id = ?`, T(), externalId);
  if (!row) throw new Error(`no ${table} ${externalId}`);
  return row.id;
}

describe("POST /api/v1/mappings/preview", () => {
  it("shows the rows an account mapping adds and removes and the money per month, and saves nothing", async () => {
    await json(await push([count({ account: { id: "zz", name: "ZZ Holdings" }, service: { id: "epp", name: "Endpoint Protection", category: "seat" }, quantity: "10" })]), 201);
    const account = await lookup("vendor_accounts", "zz");
    const service = await lookup("vendor_services", "epp");
    // The product mapping first: then mapping the account turns its usage into an increase on Contoso's agreement.
    await json(await post("/api/v1/mappings/services", { serviceId: service, productKey: "EPP" }), 201);
    const before = await recon("agr-contoso");

    const preview = await json<MappingPreviewResponse>(await post("/api/v1/mappings/preview", { accountId: account, companyId: id("contoso") }), 200);
    const eppKey = `agr:${id("agr-contoso")}:EPP`;
    const epp = preview.changes.find((c) => c.key === eppKey);
    expect(epp).toMatchObject({ change: "changes", title: "Endpoint Protection", before: { status: "no-usage", vendorQuantity: null }, after: { status: "increase", vendorQuantity: "10", variance: "2", monthlyImpactMinor: 1000 } });
    expect(preview.changes.find((c) => c.key === `acct:${account}:${service}`)).toMatchObject({ change: "disappears", before: { status: "unmapped-account" }, after: null });
    expect(preview.totals).toEqual([{ currency: "USD", underBilledDeltaMinor: 1000, overBilledDeltaMinor: 0 }]);
    expect(preview.truncated).toBe(false);
    // Read-only: no mapping, no audit, same rows.
    expect(await rows("SELECT 1 FROM account_mappings WHERE tenant_id = ? AND account_id = ?", T(), account)).toHaveLength(0);
    expect((await recon("agr-contoso")).rows).toEqual(before.rows.map((r) => expect.objectContaining({ key: r.key, status: r.status })));

    // Saved, the rows are what the preview said.
    const saved = await json<MapAccountResponse>(await post("/api/v1/mappings/accounts", { accountId: account, companyId: id("contoso") }), 200);
    expect(saved.previous).toBeNull();
    expect((await recon("agr-contoso")).rows.find((r) => r.key === eppKey)).toMatchObject({ status: "increase", variance: "2", monthlyImpactMinor: 1000 });
  });

  it("moving an account shows the company it leaves losing the usage; Undo restores the previous mapping", async () => {
    const account = await lookup("vendor_accounts", "zz");
    const preview = await json<MappingPreviewResponse>(await post("/api/v1/mappings/preview", { accountId: account, companyId: id("tailspin") }), 200);
    expect(preview.changes.find((c) => c.key === `agr:${id("agr-contoso")}:EPP`)).toMatchObject({ change: "changes", before: { status: "increase" }, after: { status: "no-usage", vendorQuantity: null } });
    expect(preview.changes.find((c) => c.companyName === "Tailspin Toys" && c.change === "appears")).toMatchObject({ after: { status: "missing-line", vendorQuantity: "10" } });

    const moved = await json<MapAccountResponse>(await post("/api/v1/mappings/accounts", { accountId: account, companyId: id("tailspin") }), 200);
    expect(moved.previous).toEqual({ companyId: id("contoso"), agreementId: null });
    // Undo = the previous mapping saved again (audited like any mapping).
    await json(await post("/api/v1/mappings/accounts", { accountId: account, ...moved.previous }), 200);
    expect((await recon("agr-contoso")).rows.find((r) => r.key === `agr:${id("agr-contoso")}:EPP`)).toMatchObject({ status: "increase", vendorQuantity: "10" });
    const audit = await rows<{ action: string }>("SELECT action FROM audit_log WHERE tenant_id = ? AND entity_id = ? AND action LIKE 'mapping.account.%' ORDER BY seq", T(), account);
    expect(audit.map((a) => a.action)).toEqual(["mapping.account.set", "mapping.account.set", "mapping.account.set"]);
  });

  it("previews a service mapping on every company using the service", async () => {
    await json(await push([count({ account: { id: "tt", name: "Tailspin Toys" }, service: { id: "bk", name: "Backup Seats", category: "seat" }, quantity: "5" })]), 201);
    const service = await lookup("vendor_services", "bk");
    const preview = await json<MappingPreviewResponse>(await post("/api/v1/mappings/preview", { serviceId: service, productKey: "BKP" }), 200);
    expect(preview.changes).toEqual([
      expect.objectContaining({ change: "changes", key: `agr:${id("agr-tailspin")}:BKP`, after: expect.objectContaining({ status: "increase", variance: "2", monthlyImpactMinor: 1400 }) }),
      expect.objectContaining({ change: "disappears", before: expect.objectContaining({ status: "unmapped-service" }) }),
    ]);
    expect(preview.totals).toEqual([{ currency: "USD", underBilledDeltaMinor: 1400, overBilledDeltaMinor: 0 }]);
  });

  it("answers a bad body with the one error shape naming the field", async () => {
    const bad = await json<ErrorBody>(await post("/api/v1/mappings/preview", { serviceId: "nope", productKey: "BKP" }), 404);
    expect(bad.error.message).toContain("body.serviceId");
    expect((await post("/api/v1/mappings/preview", { accountId: "x" })).status).toBe(400);
  });
});

describe("Not a customer / ignore", () => {
  it("removes an account's usage from every view, lists it tenant-wide, and is reversible", async () => {
    await json(await push([count({ account: { id: "lab", name: "Test Lab Tenant" }, service: { id: "epp", name: "Endpoint Protection", category: "seat" }, quantity: "4" })]), 201);
    const account = await lookup("vendor_accounts", "lab");
    const keyOf = (r: { sources: Array<{ accountId: string }> }) => r.sources.some((s) => s.accountId === account);
    expect((await tenantRecon()).rows.some(keyOf)).toBe(true);

    expect((await authed(tenant.apiKey, `/api/v1/mappings/ignored/${account}`, "PUT")).status).toBe(204);
    expect((await authed(tenant.apiKey, `/api/v1/mappings/ignored/${account}`, "PUT")).status).toBe(204); // idempotent
    expect((await tenantRecon()).rows.some(keyOf)).toBe(false);
    const unmapped = await json<UnmappedResponse>(await authed(tenant.apiKey, "/api/v1/mappings/unmapped"), 200);
    expect(unmapped.accounts.some((a) => a.accountId === account)).toBe(false);
    const ignored = await json<IgnoredAccountsResponse>(await authed(tenant.apiKey, "/api/v1/mappings/ignored"), 200);
    expect(ignored.accounts).toEqual([expect.objectContaining({ accountId: account, name: "Test Lab Tenant", ignoredBy: expect.stringMatching(/^api-key:/) })]);

    // Mapped and ignored: its usage stays off the agreement too.
    await json(await post("/api/v1/mappings/accounts", { accountId: account, companyId: id("contoso") }), 200);
    expect((await recon("agr-contoso")).rows.some(keyOf)).toBe(false);

    expect((await authed(tenant.apiKey, `/api/v1/mappings/ignored/${account}`, "DELETE")).status).toBe(204);
    expect((await recon("agr-contoso")).rows.find((r) => r.productKey === "EPP")?.sources.some((s) => s.accountId === account)).toBe(true);
    expect((await json<IgnoredAccountsResponse>(await authed(tenant.apiKey, "/api/v1/mappings/ignored"), 200)).accounts).toEqual([]);
    const audit = await rows<{ action: string }>("SELECT action FROM audit_log WHERE tenant_id = ? AND entity_id = ? AND action LIKE '%ignored' ORDER BY seq", T(), account);
    expect(audit.map((a) => a.action)).toEqual(["mapping.account.ignored", "mapping.account.unignored"]);
    expect((await authed(tenant.apiKey, "/api/v1/mappings/ignored/nope", "PUT")).status).toBe(404);
  });
});

describe("auto-match uses company domains", () => {
  it("maps an account whose id is the company's domain (CIPP's defaultDomainName) automatically", async () => {
    await json(await push([count({ account: { id: "contoso-pharma.com", name: "CP Tenant" } })]), 201);
    const [m] = await rows<{ company_id: string; confidence: number }>(
      "SELECT m.company_id, m.confidence FROM account_mappings m JOIN vendor_accounts a ON a.id = m.account_id WHERE a.tenant_id = ? AND a.external_id = 'contoso-pharma.com'",
      T(),
    );
    expect(m).toEqual({ company_id: id("contoso"), confidence: 100 });
  });
});

describe("the pod context says what is true when a PSA id finds nothing (issue 9 §2)", () => {
  it("?contractId= on a ConnectWise tenant names the ConnectWise agreement instead of 'has been synced yet'", async () => {
    const cw = await createTenant("CW only MSP");
    const { env } = await import("cloudflare:workers");
    await env.DB.batch([
      env.DB.prepare("INSERT INTO psa_companies (id, tenant_id, psa, psa_id, name) VALUES (?, ?, 'connectwise', '250', 'Lakeside')").bind(`${cw.tenantId}_co`, cw.tenantId),
      env.DB.prepare(
        "INSERT INTO agreements (id, tenant_id, company_id, psa, psa_id, name, type, status, billing_cycle, currency) VALUES (?, ?, ?, 'connectwise', '4101', 'Lakeside MSA', 'Managed Services', 'Active', 'monthly', 'USD')",
      ).bind(`${cw.tenantId}_agr`, cw.tenantId, `${cw.tenantId}_co`),
    ]);
    const wrongPsa = await json<ErrorBody>(await authed(cw.apiKey, "/api/pod/context?contractId=4101"), 404);
    expect(wrongPsa.error.message).toBe('4101 is a ConnectWise agreement ("Lakeside MSA"), not an Autotask contract: open the pod from that PSA\'s screen');
    const none = await json<ErrorBody>(await authed(cw.apiKey, "/api/pod/context?contractId=9999"), 404);
    expect(none.error.message).toContain("This account has no Autotask contracts");
    expect(none.error.message).not.toContain("has been synced yet");
  });
});
