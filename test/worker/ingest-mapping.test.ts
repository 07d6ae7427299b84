import { beforeAll, describe, expect, it } from "vitest";
import type { CompanyListResponse, ProductListResponse, ReconciliationResponse, UnmappedResponse } from "../../src/shared/api-types.ts";
import { authed, count, createTenant, type ErrorBody, json, rows, seedPsa } from "../fixtures/ingest/worker-helpers.ts";

let tenant: { tenantId: string; apiKey: string };
const T = () => tenant.tenantId;

beforeAll(async () => {
  tenant = await createTenant("Mapping MSP");
  const id = (s: string) => `${T()}_${s}`;
  await seedPsa(T(), {
    companies: [
      { id: id("contoso"), name: "Contoso Pharmaceuticals", domain: "contoso-pharma.com" },
      { id: id("fabrikam"), name: "Fabrikam, Inc.", domain: "https://www.fabrikam.com" },
      { id: id("north"), name: "Northwind Traders", identifier: "NorthwindTraders" },
      { id: id("tailspin"), name: "Tailspin Toys" },
    ],
    agreements: [{ id: id("agr-contoso"), companyId: id("contoso") }, { id: id("agr-tailspin"), companyId: id("tailspin") }],
    lines: [
      { id: id("line-epp"), agreementId: id("agr-contoso"), productKey: "EPP", productName: "Endpoint Protection", quantity: "8", unitPriceMinor: 500 },
      { id: id("line-bkp"), agreementId: id("agr-tailspin"), productKey: "BKP", productName: "Cloud Backup", quantity: "3" },
    ],
  });
});

const push = (counts: unknown[]) => authed(tenant.apiKey, "/api/v1/usage", "POST", { counts });

async function recon(): Promise<ReconciliationResponse> {
  return json<ReconciliationResponse>(await authed(tenant.apiKey, "/api/v1/reconciliation"), 200);
}

async function accountId(externalId: string): Promise<string> {
  const [row] = await rows<{ id: string }>("SELECT id FROM vendor_accounts WHERE tenant_id = ? AND external_id = ?", T(), externalId);
  if (!row) throw new Error(`no account ${externalId}`);
  return row.id;
}

async function serviceId(externalId: string): Promise<string> {
  const [row] = await rows<{ id: string }>("SELECT id FROM vendor_services WHERE tenant_id = ? AND external_id = ?", T(), externalId);
  if (!row) throw new Error(`no service ${externalId}`);
  return row.id;
}

describe("mapping re-reconciles the affected agreements", () => {
  it("moves a count from unmapped-account to unmapped-service to increase", async () => {
    await json(await push([count({ account: { id: "zz-1", name: "ZZ Holdings" }, service: { id: "s1-epp", name: "S1 Complete", category: "seat" }, quantity: "10" })]), 201);
    const key = `acct:${await accountId("zz-1")}:${await serviceId("s1-epp")}`;
    expect((await recon()).rows.find((r) => r.key === key)?.status).toBe("unmapped-account");

    const mapped = await json<{ mapping: { method: string; companyId: string } }>(
      await authed(tenant.apiKey, "/api/v1/mappings/accounts", "POST", { accountId: await accountId("zz-1"), companyId: `${T()}_contoso` }),
      200,
    );
    expect(mapped.mapping).toMatchObject({ method: "manual", companyId: `${T()}_contoso` });
    const svcKey = `svc:${await accountId("zz-1")}:${await serviceId("s1-epp")}`;
    const afterAccount = (await recon()).rows.find((r) => r.key === svcKey);
    expect(afterAccount).toMatchObject({ status: "unmapped-service", companyId: `${T()}_contoso` });

    const unmapped = await json<UnmappedResponse>(await authed(tenant.apiKey, `/api/v1/mappings/unmapped?companyId=${T()}_contoso`), 200);
    expect(unmapped.services.map((s) => s.externalId)).toEqual(["s1-epp"]);

    await json(await authed(tenant.apiKey, "/api/v1/mappings/services", "POST", { serviceId: await serviceId("s1-epp"), productKey: "EPP" }), 201);
    const row = (await recon()).rows.find((r) => r.agreementId === `${T()}_agr-contoso` && r.productKey === "EPP");
    expect(row).toMatchObject({ status: "increase", psaQuantity: "8", vendorQuantity: "10", variance: "2", monthlyImpactMinor: 1000 });

    const audit = await rows<{ action: string; actor: string }>("SELECT action, actor FROM audit_log WHERE tenant_id = ? AND action LIKE 'mapping.%' ORDER BY seq", T());
    expect(audit).toEqual([
      { action: "mapping.account.set", actor: expect.stringMatching(/^api-key:/) },
      { action: "mapping.service.added", actor: expect.stringMatching(/^api-key:/) },
    ]);
  });

  it("unmapping is audited and puts the count back to unmapped", async () => {
    const service = await serviceId("s1-epp");
    expect((await authed(tenant.apiKey, `/api/v1/mappings/services/${service}/EPP`, "DELETE")).status).toBe(204);
    const svcKey = `svc:${await accountId("zz-1")}:${service}`;
    expect((await recon()).rows.find((r) => r.key === svcKey)?.status).toBe("unmapped-service");
    expect((await authed(tenant.apiKey, `/api/v1/mappings/services/${service}/EPP`, "DELETE")).status).toBe(404);
    await json(await authed(tenant.apiKey, "/api/v1/mappings/services", "POST", { serviceId: service, productKey: "EPP" }), 201);
    const [removed] = await rows<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE tenant_id = ? AND action = 'mapping.service.removed'", T());
    expect(removed?.n).toBe(1);
  });
});

describe("auto-match", () => {
  it("applies a confident name or domain match, audited as the system", async () => {
    await json(await push([
      count({ account: { id: "fab", name: "Fabrikam Inc", description: "fabrikam.com" } }),
      count({ account: { id: "nw", name: "Northwind-Traders" } }),
    ]), 201);
    const mappings = await rows<{ external_id: string; company_id: string; method: string; confidence: number; created_by: string }>(
      "SELECT a.external_id, m.company_id, m.method, m.confidence, m.created_by FROM account_mappings m JOIN vendor_accounts a ON a.id = m.account_id WHERE m.tenant_id = ? AND a.external_id IN ('fab', 'nw') ORDER BY a.external_id",
      T(),
    );
    expect(mappings).toEqual([
      { external_id: "fab", company_id: `${T()}_fabrikam`, method: "auto", confidence: 100, created_by: "system:auto-match" },
      { external_id: "nw", company_id: `${T()}_north`, method: "auto", confidence: 95, created_by: "system:auto-match" },
    ]);
    const audit = await rows<{ action: string; actor: string }>("SELECT action, actor FROM audit_log WHERE tenant_id = ? AND action = 'mapping.account.auto'", T());
    expect(audit).toHaveLength(2);
  });

  it("only suggests a fuzzy match, and a manual mapping always wins over auto-match", async () => {
    await json(await push([count({ account: { id: "cp", name: "Contoso Pharma" } }), count({ account: { id: "aa", name: "Aardvark Holdings" } })]), 201);
    const cp = await accountId("cp");
    const unmapped = await json<UnmappedResponse>(await authed(tenant.apiKey, "/api/v1/mappings/unmapped"), 200);
    const entry = unmapped.accounts.find((a) => a.accountId === cp);
    const forContoso = await json<UnmappedResponse>(await authed(tenant.apiKey, `/api/v1/mappings/unmapped?companyId=${T()}_contoso`), 200);
    expect(unmapped.accounts.map((a) => a.name)).toEqual(["Aardvark Holdings", "Contoso Pharma"]);
    expect(forContoso.accounts.map((a) => a.name)).toEqual(["Contoso Pharma", "Aardvark Holdings"]);
    expect(entry?.suggestions[0]).toMatchObject({ companyId: `${T()}_contoso`, companyName: "Contoso Pharmaceuticals" });
    expect(entry?.suggestions[0]?.confidence).toBeLessThan(90);
    expect(entry?.suggestions[0]?.confidence).toBeGreaterThanOrEqual(50);

    const wrong = await authed(tenant.apiKey, "/api/v1/mappings/suggestions/accept", "POST", { accounts: [{ accountId: cp, companyId: `${T()}_tailspin` }] });
    expect((await json<ErrorBody>(wrong, 409)).error.message).toContain("body.accounts[0]");
    const accepted = await json<{ accounts: Array<{ method: string; confidence: number }> }>(
      await authed(tenant.apiKey, "/api/v1/mappings/suggestions/accept", "POST", { accounts: [{ accountId: cp, companyId: `${T()}_contoso` }] }),
      200,
    );
    expect(accepted.accounts[0]).toMatchObject({ method: "manual", confidence: entry?.suggestions[0]?.confidence });

    // Override an auto mapping by hand, then re-run auto-match: the manual mapping stays.
    const fab = await accountId("fab");
    await json(await authed(tenant.apiKey, "/api/v1/mappings/accounts", "POST", { accountId: fab, companyId: `${T()}_tailspin`, agreementId: `${T()}_agr-tailspin` }), 200);
    await json(await authed(tenant.apiKey, "/api/v1/mappings/unmapped"), 200);
    const run = await json<{ applied: number }>(await authed(tenant.apiKey, "/api/v1/mappings/auto-match", "POST"), 200);
    expect(run.applied).toBe(0);
    const [fabMapping] = await rows<{ company_id: string; method: string; agreement_id: string }>("SELECT company_id, method, agreement_id FROM account_mappings WHERE account_id = ?", fab);
    expect(fabMapping).toEqual({ company_id: `${T()}_tailspin`, method: "manual", agreement_id: `${T()}_agr-tailspin` });
    const [override] = await rows<{ details: string }>("SELECT details FROM audit_log WHERE entity_id = ? AND action = 'mapping.account.set'", fab);
    expect(JSON.parse(override?.details ?? "{}")).toMatchObject({ from: { companyId: `${T()}_fabrikam`, method: "auto", confidence: 100 }, to: { companyId: `${T()}_tailspin` } });
  });

  it("does not auto-apply when two companies match equally well", async () => {
    await seedPsa(T(), { companies: [{ id: `${T()}_dup1`, name: "Duplicate Co" }, { id: `${T()}_dup2`, name: "Duplicate Company" }] });
    await json(await push([count({ account: { id: "dup", name: "Duplicate Co." } })]), 201);
    expect(await rows("SELECT id FROM account_mappings WHERE account_id = ?", await accountId("dup"))).toEqual([]);
    const unmapped = await json<UnmappedResponse>(await authed(tenant.apiKey, "/api/v1/mappings/unmapped"), 200);
    expect(unmapped.accounts.find((a) => a.externalId === "dup")?.suggestions.map((s) => s.confidence)).toEqual([95, 95]);
  });
});

describe("validation and pickers", () => {
  it.each([
    ["an unknown account", { accountId: "va_nope", companyId: "x" }, 404, "body.accountId"],
    ["an unknown company", { accountId: "ACCOUNT", companyId: "nope" }, 404, "body.companyId"],
    ["another company's agreement", { accountId: "ACCOUNT", companyId: "CONTOSO", agreementId: "TAILSPIN_AGR" }, 400, "body.agreementId"],
  ])("rejects %s", async (_label, body, status, field) => {
    const real = JSON.parse(JSON.stringify(body).replace("ACCOUNT", await accountId("zz-1")).replace("CONTOSO", `${T()}_contoso`).replace("TAILSPIN_AGR", `${T()}_agr-tailspin`));
    expect((await json<ErrorBody>(await authed(tenant.apiKey, "/api/v1/mappings/accounts", "POST", real), status)).error.message).toContain(field);
  });

  it("refuses a product no agreement line has", async () => {
    const res = await authed(tenant.apiKey, "/api/v1/mappings/services", "POST", { serviceId: await serviceId("s1-epp"), productKey: "NOPE" });
    expect((await json<ErrorBody>(res, 400)).error.message).toContain("body.productKey");
  });

  it("lists companies and products for the pickers", async () => {
    const companies = await json<CompanyListResponse>(await authed(tenant.apiKey, "/api/v1/companies"), 200);
    expect(companies.companies.map((c) => c.name)).toContain("Northwind Traders");
    expect(companies.companies.find((c) => c.name === "Northwind Traders")?.identifier).toBe("NorthwindTraders");
    const products = await json<ProductListResponse>(await authed(tenant.apiKey, "/api/v1/products"), 200);
    expect(products.products).toEqual([{ productKey: "BKP", productName: "Cloud Backup" }, { productKey: "EPP", productName: "Endpoint Protection" }]);
  });

  it("keeps tenants apart", async () => {
    const other = await createTenant("Other MSP");
    const res = await authed(other.apiKey, "/api/v1/mappings/accounts", "POST", { accountId: await accountId("zz-1"), companyId: `${T()}_contoso` });
    expect(res.status).toBe(404);
    const unmapped = await json<UnmappedResponse>(await authed(other.apiKey, "/api/v1/mappings/unmapped"), 200);
    expect(unmapped).toEqual({ accounts: [], services: [] });
  });
});
