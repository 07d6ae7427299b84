/**
 * The PSA simulators, proven by independent clients (issue 10 item 12):
 * every call Trueup makes (src/services/psa/cw-client.ts, at-client.ts) is
 * driven through connectwise-rest and @apigrate/autotask-restapi against the
 * simulators, and ConnectWise responses are checked against the OpenAPI
 * types connectwise-rest ships (test/fixtures/psa/cw-openapi-check.ts). The
 * clients' own HTTP is routed in-process to the simulators' Hono apps.
 */
import { AutotaskRestApi, type EntityApi } from "@apigrate/autotask-restapi";
import { ManageAPI } from "connectwise-rest";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkCwSchema } from "../fixtures/psa/cw-openapi-check.ts";
import { type AtSim, createAutotaskSim, SIM_AT_DEFAULTS } from "../sim/autotask/app.ts";
import { createConnectWiseSim, type CwSim, SIM_CW_DEFAULTS } from "../sim/connectwise/app.ts";

const CW_HOST = "api-na.myconnectwise.net";
const AT_ZONE = "https://webservices15.autotask.net";

let cw: CwSim;
let at: AtSim;
let requests: Array<{ method: string; url: string; headers: Headers }>;
let statuses: number[];

beforeEach(() => {
  cw = createConnectWiseSim({ origin: `https://${CW_HOST}` });
  at = createAutotaskSim({ origin: AT_ZONE });
  requests = [];
  statuses = [];
  const route = (req: Request) => {
    const host = new URL(req.url).host;
    if (host === CW_HOST) return cw.fetch(req);
    if (host === "webservices.autotask.net" || host === new URL(AT_ZONE).host) return at.fetch(req);
    throw new TypeError(`no route to ${host}`);
  };
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    requests.push({ method: req.method, url: req.url, headers: req.headers });
    const res = await route(req);
    statuses.push(res.status);
    return res;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

function manage(overrides: Partial<{ clientId: string; privateKey: string }> = {}) {
  const api = new ManageAPI({
    companyId: SIM_CW_DEFAULTS.companyId,
    companyUrl: CW_HOST,
    publicKey: SIM_CW_DEFAULTS.publicKey,
    privateKey: overrides.privateKey ?? SIM_CW_DEFAULTS.privateKey,
    clientId: overrides.clientId ?? SIM_CW_DEFAULTS.clientId,
    entryPoint: "v4_6_release",
    logger: () => {},
  });
  // The client's own axios instances (one per API section), sent through the global fetch (routed to the simulator above).
  type WithAxios = { instance?: { defaults: { adapter: string } } };
  for (const part of [api, ...Object.values(api as object)] as WithAxios[]) if (part?.instance) part.instance.defaults.adapter = "fetch";
  return api;
}

function seedCw() {
  cw.state.addCompany({ id: 1, identifier: "ALPHA", name: "Alpha Dental" });
  cw.state.addAgreement({ id: 10, companyId: 1, name: "Alpha MS" });
  cw.state.addAgreement({ id: 11, companyId: 1, name: "Alpha Old", cancelled: true });
  cw.state.addAddition({ id: 100, agreementId: 10, identifier: "M365-BP", description: "Business Premium", quantity: 10, unitPrice: 26, unitCost: 22 });
  cw.state.addAddition({ id: 101, agreementId: 10, identifier: "EDR", description: "EDR", quantity: 3, unitPrice: 1.995, unitCost: 1.5 });
}

const clean = (value: unknown, schema: string) => expect(checkCwSchema(value, schema)).toEqual([]);

async function rejection(promise: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { status: number; data: unknown };
  }
  throw new Error("expected the call to fail");
}

describe("ConnectWise simulator through connectwise-rest 1.3.0", () => {
  it("answers every call Trueup makes with records that match ConnectWise's OpenAPI types", async () => {
    seedCw();
    const api = manage();
    clean(await api.SystemAPI.getSystemInfo(), "Info");
    const conditions = "cancelledFlag = false";
    const agreements = await api.FinanceAPI.getFinanceAgreements({ conditions, pageSize: 1000, orderBy: "id asc" });
    expect(agreements.map((a) => a.id)).toEqual([10]);
    for (const a of agreements) clean(a, "Agreement");
    const count = await api.FinanceAPI.getFinanceAgreementsCount({ conditions });
    clean(count, "Count");
    expect(count.count).toBe(1);
    clean(await api.FinanceAPI.getFinanceAgreementsById(10), "Agreement");
    const additions = await api.FinanceAPI.getFinanceAgreementsByParentIdAdditions(10, { pageSize: 1000, conditions: "lastUpdated > [2020-01-01T00:00:00Z]" });
    expect(additions.map((a) => a.quantity)).toEqual([10, 3]);
    for (const a of additions) clean(a, "Addition");
    clean(await api.FinanceAPI.getFinanceAgreementsByParentIdAdditionsCount(10, {}), "Count");
    clean(await api.FinanceAPI.getFinanceAgreementsByParentIdAdditionsById(100, 10), "Addition");
    const patched = await api.FinanceAPI.patchFinanceAgreementsByParentIdAdditionsById(100, 10, [{ op: "replace", path: "/quantity", value: 0 as never }]);
    clean(patched, "Addition");
    expect(patched.quantity).toBe(0);
    const callback = await api.SystemAPI.postSystemCallbacks({ url: "https://trueup.test/webhooks/connectwise/psa_1/", objectId: 1, type: "agreement", level: "owner", description: "Trueup", inactiveFlag: false, isSelfSuppressedFlag: true });
    clean(callback, "CallbackEntry");
    expect(Number.isInteger(callback.memberId)).toBe(true);
    for (const entry of await api.SystemAPI.getSystemCallbacks()) clean(entry, "CallbackEntry");
    await api.SystemAPI.deleteSystemCallbacksById(callback.id ?? 0);
    expect(await api.SystemAPI.getSystemCallbacks()).toEqual([]);
    // Every request carried the client's Basic auth, clientId and versioned Accept.
    for (const r of requests) {
      expect(r.headers.get("clientId")).toBe(SIM_CW_DEFAULTS.clientId);
      expect(r.headers.get("authorization")).toMatch(/^Basic /);
    }
  });

  // Issue 9 "missing lines can be added": GET /procurement/catalog (CatalogItem) and POST …/additions (Addition: product and billCustomer required).
  it("serves the product catalog and creates additions as the OpenAPI types declare them", async () => {
    seedCw();
    cw.state.addCatalogItem({ id: 700, identifier: "EDR-S1", description: "SentinelOne Complete", price: 6.125, cost: 3.5 });
    const api = manage();
    const items = await api.ProcurementAPI.getProcurementCatalog({ conditions: 'identifier="EDR-S1" AND inactiveFlag=false', pageSize: 1000 });
    expect(items.map((i) => [i.id, i.identifier, i.price, i.cost])).toEqual([[700, "EDR-S1", 6.125, 3.5]]);
    for (const i of items) clean(i, "CatalogItem");
    const created = await api.FinanceAPI.postFinanceAgreementsByParentIdAdditions(10, { product: { id: 700 }, quantity: 12, unitPrice: 6.125, unitCost: 3.5, billCustomer: "Billable" } as never);
    clean(created, "Addition");
    expect(created).toMatchObject({ agreementId: 10, product: { id: 700, identifier: "EDR-S1" }, quantity: 12, unitPrice: 6.125, billCustomer: "Billable" });
    expect(cw.state.additionsOf(10).map((a) => a.product.identifier)).toEqual(["M365-BP", "EDR", "EDR-S1"]);
    // Refused as ConnectWise refuses them: no billCustomer, a product not in the catalog, a read-only field.
    expect((await rejection(api.FinanceAPI.postFinanceAgreementsByParentIdAdditions(10, { product: { id: 700 }, quantity: 1 } as never))).status).toBe(400);
    expect((await rejection(api.FinanceAPI.postFinanceAgreementsByParentIdAdditions(10, { product: { identifier: "NOPE" }, quantity: 1, billCustomer: "Billable" } as never))).status).toBe(400);
    expect((await rejection(api.FinanceAPI.postFinanceAgreementsByParentIdAdditions(10, { product: { id: 700 }, billCustomer: "Billable", extPrice: 5 } as never))).status).toBe(400);
    expect((await rejection(api.FinanceAPI.postFinanceAgreementsByParentIdAdditions(999, { product: { id: 700 }, billCustomer: "Billable" } as never))).status).toBe(404);
  });

  it("pages with the client's page numbers and Link headers", async () => {
    seedCw();
    for (let i = 0; i < 5; i++) cw.state.addAgreement({ id: 20 + i, companyId: 1, name: `More ${i}` });
    const api = manage();
    const all = (await api.paginate(api.FinanceAPI.getFinanceAgreements as never, { startPage: 1, pageSize: 2 }, { conditions: "cancelledFlag = false" })) as Array<{ id: number }>;
    expect(all.map((a) => a.id)).toEqual([10, 20, 21, 22, 23, 24]);
  });

  it.each([
    ["an unknown condition field", (api: ReturnType<typeof manage>) => api.FinanceAPI.getFinanceAgreements({ conditions: "cancelledFlagg = false" }), 400],
    ["an unknown agreement", (api: ReturnType<typeof manage>) => api.FinanceAPI.getFinanceAgreementsById(999), 404],
    ["an unknown addition", (api: ReturnType<typeof manage>) => api.FinanceAPI.getFinanceAgreementsByParentIdAdditionsById(999, 10), 404],
    ["a PATCH of a read-only field", (api: ReturnType<typeof manage>) => api.FinanceAPI.patchFinanceAgreementsByParentIdAdditionsById(100, 10, [{ op: "replace", path: "/agreementId", value: 11 as never }]), 400],
    ["a PATCH of _info", (api: ReturnType<typeof manage>) => api.FinanceAPI.patchFinanceAgreementsByParentIdAdditionsById(100, 10, [{ op: "replace", path: "/_info/lastUpdated", value: "x" as never }]), 400],
    ["a PATCH of an unknown field", (api: ReturnType<typeof manage>) => api.FinanceAPI.patchFinanceAgreementsByParentIdAdditionsById(100, 10, [{ op: "replace", path: "/quantityy", value: 3 as never }]), 400],
    ["a negative quantity", (api: ReturnType<typeof manage>) => api.FinanceAPI.patchFinanceAgreementsByParentIdAdditionsById(100, 10, [{ op: "replace", path: "/quantity", value: -1 as never }]), 400],
  ])("answers %s with ConnectWise's error, not an empty success", async (_label, call, status) => {
    seedCw();
    const error = await rejection(call(manage()));
    expect(error.status).toBe(status);
    expect(error.data).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });

  it("refuses a clientId that is not registered, and wrong keys, with 401", async () => {
    seedCw();
    expect((await rejection(manage({ clientId: "00000000-0000-0000-0000-000000000000" }).SystemAPI.getSystemInfo())).status).toBe(401);
    expect((await rejection(manage({ privateKey: "wrong" }).SystemAPI.getSystemInfo())).status).toBe(401);
  });

  it("a throttled call gets ConnectWise's 429 body, its message naming the Retry-After", async () => {
    seedCw();
    cw.control.addFault({ path: "/finance/agreements", status: 429, retryAfter: 12 });
    const error = await rejection(manage().FinanceAPI.getFinanceAgreements({}));
    expect(error).toMatchObject({ status: 429, data: { error: "ConnectWiseAPI", message: "Too many requests. Please try again in 12 seconds." } });
  });
});

describe("Autotask simulator through @apigrate/autotask-restapi 2.0.1", () => {
  const ACTIVE_RECURRING = [
    { op: "eq", field: "contractType", value: 7 },
    { op: "eq", field: "status", value: 1 },
  ];
  function seedAt() {
    at.state.services.set(5, { id: 5, name: "Microsoft 365 Business Premium" });
    for (const id of [1, 2, 3]) {
      at.state.companies.set(id, { id, companyName: `Customer ${id}`, companyNumber: `C${id}`, companyType: 1 });
      at.state.contracts.set(id, { id, companyID: id, contractName: `Recurring ${id}`, contractType: 7, status: 1, startDate: "2025-01-01T00:00:00Z", endDate: "2030-12-31T00:00:00Z", contractPeriodType: 1 });
      at.state.addContractService({ id: id * 10, contractID: id, serviceID: 5, unitPrice: 26, unitCost: 22, units: 10 });
    }
  }

  function client() {
    return new AutotaskRestApi(SIM_AT_DEFAULTS.username, SIM_AT_DEFAULTS.secret, SIM_AT_DEFAULTS.integrationCode);
  }
  const entity = (api: AutotaskRestApi, name: string) => api[name] as EntityApi;

  it("answers every call Trueup makes: zone lookup without credentials (as the client spells it), queries, counts, fields, webhooks, adjustments", async () => {
    seedAt();
    const api = client();
    const threshold = await api._fetch("GET", "/ThresholdInformation");
    expect(threshold).toMatchObject({ externalRequestThreshold: 10_000, requestThresholdTimeframe: 60 });
    // The client looked the zone up first, at /ATServicesRest/v1.0/zoneInformation, without credentials.
    const [zoneCall] = requests;
    expect(new URL(zoneCall?.url ?? "").pathname).toBe("/ATServicesRest/v1.0/zoneInformation");
    expect(zoneCall?.headers.get("Secret")).toBeNull();
    expect(api.zoneInfo?.url).toBe(`${AT_ZONE}/ATServicesRest/`);
    const fields = await entity(api, "Contracts").fieldInfo();
    expect(fields.fields[0]).toMatchObject({ name: "contractPeriodType", isPickList: true });
    const contracts = await entity(api, "Contracts").query({ filter: ACTIVE_RECURRING });
    expect(contracts.items.map((c: { id: number }) => c.id)).toEqual([1, 2, 3]);
    expect(await entity(api, "Contracts").count({ filter: ACTIVE_RECURRING })).toEqual({ queryCount: 3 });
    expect((await entity(api, "Companies").query({ filter: [{ op: "in", field: "id", value: [1, 2] }] })).items).toHaveLength(2);
    expect((await entity(api, "ContractServices").query({ filter: [{ op: "in", field: "contractID", value: [1, 2, 3] }] })).items).toHaveLength(3);
    expect((await entity(api, "Services").query({ filter: [{ op: "in", field: "id", value: [5] }] })).items).toEqual([{ id: 5, name: "Microsoft 365 Business Premium" }]);
    const today = new Date().toISOString().slice(0, 10);
    const units = await entity(api, "ContractServiceUnits").query({
      filter: [
        { op: "in", field: "contractID", value: [1] },
        { op: "lte", field: "startDate", value: `${today}T23:59:59Z` },
        { op: "gte", field: "endDate", value: `${today}T00:00:00Z` },
      ],
    });
    expect(units.items).toHaveLength(1);
    expect(units.items[0]).toMatchObject({ contractID: 1, contractServiceID: 10, units: 10 });
    // A write-back: POST /ContractServiceAdjustments (Trueup) and the client's child route POST /Contracts/{id}/ServiceAdjustments.
    const effectiveDate = `${today}T00:00:00Z`;
    expect(await api._fetch("POST", "/ContractServiceAdjustments", null, { contractID: 1, serviceID: 5, unitChange: 2, effectiveDate })).toEqual({ itemId: expect.any(Number) });
    expect(await entity(api, "ContractServiceAdjustments").create(2, { contractID: 2, serviceID: 5, unitChange: -10, effectiveDate })).toEqual({ itemId: expect.any(Number) });
    // Webhooks, as connect-at.ts registers them, and the disconnect.
    const hook = await entity(api, "CompanyWebhooks").create({ IsActive: true, IsSubscribedToCreateEvents: true, IsSubscribedToUpdateEvents: true, IsSubscribedToDeleteEvents: true, Name: "Trueup", SendThresholdExceededNotification: true, WebhookUrl: "https://trueup.test/webhooks/autotask/psa_1", DeactivationUrl: "https://trueup.test/webhooks/autotask/psa_1/deactivated?token=x", SecretKey: "s".repeat(48) });
    const webhookFields = await entity(api, "CompanyWebhookFields").fieldInfo();
    expect(webhookFields.fields[0]).toMatchObject({ name: "fieldID", isPickList: true });
    expect(await entity(api, "CompanyWebhookFields").create(hook.itemId, { WebhookID: hook.itemId, FieldID: 20, IsSubscribedField: true, IsDisplayAlwaysField: true })).toEqual({ itemId: expect.any(Number) });
    expect((await entity(api, "CompanyWebhooks").get(hook.itemId)).item).toMatchObject({ id: hook.itemId, isActive: true });
    expect(await entity(api, "CompanyWebhooks").delete(hook.itemId)).toEqual({ itemId: hook.itemId });
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  // ContractServiceAdjustments entity: "creating one auto-creates the ContractService if missing" (reference §3.3), priced from the Service.
  it("an adjustment for a service not yet on the contract creates the contract service at the Service's price", async () => {
    seedAt();
    at.state.services.set(8, { id: 8, name: "Managed Backup", unitPrice: 4.75, unitCost: 2.1 });
    const api = client();
    const effectiveDate = `${new Date().toISOString().slice(0, 10)}T00:00:00Z`;
    expect(await api._fetch("POST", "/ContractServiceAdjustments", null, { contractID: 1, serviceID: 8, unitChange: 4, effectiveDate })).toEqual({ itemId: expect.any(Number) });
    const services = await entity(api, "ContractServices").query({ filter: [{ op: "eq", field: "contractID", value: 1 }] });
    expect(services.items.map((cs: { serviceID: number; unitPrice: number }) => [cs.serviceID, cs.unitPrice])).toEqual([[5, 26], [8, 4.75]]);
    // An unknown service, or a cut below 0 on a new one, is refused (500, Autotask's way) and leaves no contract service behind.
    expect((await rejection(api._fetch("POST", "/ContractServiceAdjustments", null, { contractID: 1, serviceID: 99, unitChange: 1, effectiveDate }))).status ?? 500).toBe(500);
    at.state.services.set(9, { id: 9, name: "Other", unitPrice: 1, unitCost: 1 });
    await rejection(api._fetch("POST", "/ContractServiceAdjustments", null, { contractID: 1, serviceID: 9, unitChange: -1, effectiveDate }));
    expect([...at.state.contractServices.values()].filter((cs) => cs.serviceID === 9)).toEqual([]);
  });

  it("MaxRecords limits a page; nextPageUrl continues on the zone", async () => {
    seedAt();
    const api = client();
    const first = await entity(api, "Contracts").query({ filter: ACTIVE_RECURRING, MaxRecords: 2 });
    expect(first.items.map((c: { id: number }) => c.id)).toEqual([1, 2]);
    expect(first.pageDetails).toMatchObject({ count: 2, requestCount: 2 });
    const next = new URL(first.pageDetails.nextPageUrl);
    expect(next.origin).toBe(AT_ZONE);
    const second = await api._fetch("GET", `${next.pathname.replace(/^\/ATServicesRest\/V1\.0/i, "")}`, Object.fromEntries(next.searchParams));
    expect(second.items.map((c: { id: number }) => c.id)).toEqual([3]);
    expect(second.pageDetails.nextPageUrl).toBeNull();
  });

  it.each([
    ["an unknown filter field", (api: AutotaskRestApi) => entity(api, "Contracts").query({ filter: [{ op: "eq", field: "contractTypo", value: 7 }] }), 400],
    ["MaxRecords above 500", (api: AutotaskRestApi) => entity(api, "Contracts").query({ filter: ACTIVE_RECURRING, MaxRecords: 501 }), 400],
    ["an unknown entity", (api: AutotaskRestApi) => api._fetch("POST", "/Contractz/query", null, { filter: ACTIVE_RECURRING }), 404],
    ["an unknown id", (api: AutotaskRestApi) => entity(api, "Contracts").get(999), 404],
    ["an adjustment that drives units below 0", (api: AutotaskRestApi) => api._fetch("POST", "/ContractServiceAdjustments", null, { contractID: 1, serviceID: 5, unitChange: -11, effectiveDate: "2030-01-01T00:00:00Z" }), 500],
    ["an adjustment naming fields in the wrong case", (api: AutotaskRestApi) => api._fetch("POST", "/ContractServiceAdjustments", null, { ContractID: 1, ServiceID: 5, unitChange: 1, effectiveDate: "2030-01-01T00:00:00Z" }), 500],
  ])("answers %s with Autotask's error, not an empty success", async (_label, call, status) => {
    seedAt();
    const api = client();
    const outcome = await call(api).then(
      (value: unknown) => ({ value }),
      (error: { status: number; details: unknown }) => ({ error }),
    );
    expect(statuses.at(-1)).toBe(status);
    if (status === 404) expect(outcome).toEqual({ value: null }); // the client's reading of a 404
    else expect(outcome).toMatchObject({ error: { status, details: { errors: [expect.any(String)] } } });
  });
});
