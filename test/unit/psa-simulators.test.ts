import { describe, expect, it } from "vitest";
import { autotaskJson, evaluate } from "../sim/autotask/filters.ts";
import { AtSimState } from "../sim/autotask/state.ts";
import { createAutotaskSim, SIM_AT_DEFAULTS } from "../sim/autotask/app.ts";
import { createConnectWiseSim, SIM_CW_DEFAULTS } from "../sim/connectwise/app.ts";
import { applyAdditionPatch } from "../sim/connectwise/api.ts";
import { matches, parseConditions } from "../sim/connectwise/conditions.ts";

const agreement = { id: 7, cancelledFlag: false, name: "Acme \"East\"", company: { id: 250 }, _info: { lastUpdated: "2026-11-01T10:00:00Z" } };

describe("simulated ConnectWise conditions", () => {
  it.each([
    ["cancelledFlag = false", true],
    ["cancelledFlag = True", false],
    ["lastUpdated > [2026-10-31T00:00:00Z]", true],
    ["lastUpdated > [2026-11-01T10:00:00Z]", false],
    ["company/id = 250 AND cancelledFlag = false", true],
    ["company/id in (1,2,250)", true],
    ["company/id not in (1,2)", true],
    ['name like "acme*"', true],
    ['name contains "east"', true],
    ["(id = 1 OR id = 7) and cancelledFlag = false", true],
    ["endDate = null", true],
  ])("%s → %s", (conditions, expected) => {
    expect(matches(parseConditions(conditions), agreement)).toBe(expected);
  });

  it.each(["cancelledFlag ==", "id = 1 AND", "(id = 1", "id ~ 3"])("rejects %s", (conditions) => {
    expect(() => parseConditions(conditions)).toThrow(/conditions/);
  });
});

describe("simulated JSON Patch on additions", () => {
  const addition = { id: 1, quantity: 40, agreementId: 4, _info: {} };

  it("accepts paths with or without the leading slash", () => {
    expect(applyAdditionPatch(addition, [{ op: "replace", path: "quantity", value: 44 }])).toMatchObject({ quantity: 44 });
    expect(applyAdditionPatch(addition, [{ op: "replace", path: "/quantity", value: 0 }])).toMatchObject({ quantity: 0 });
  });

  it.each([
    [[], "non-empty"],
    [{ op: "replace" }, "non-empty"],
    [[{ op: "replace", path: "/id", value: 2 }], "read-only"],
    [[{ op: "replace", path: "/quantity", value: -1 }], "non-negative"],
    [[{ op: "jump", path: "/quantity", value: 1 }], "invalid patch"],
  ])("refuses %j", (body, message) => {
    expect(applyAdditionPatch(addition, body)).toEqual(expect.stringContaining(message));
  });
});

describe("simulated Autotask filters and escaping", () => {
  const unit = { id: 1, contractID: 7, startDate: "2026-11-01T00:00:00Z", endDate: "2026-11-30T00:00:00Z", units: 3 };

  it.each([
    [{ op: "eq", field: "contractid", value: 7 }, true],
    [{ op: "in", field: "contractID", value: [1, 7] }, true],
    [{ op: "lte", field: "startDate", value: "2026-11-15T23:59:59Z" }, true],
    [{ op: "gte", field: "endDate", value: "2026-12-01T00:00:00Z" }, false],
    [{ op: "or", items: [{ op: "eq", field: "id", value: 2 }, { op: "exist", field: "units" }] }, true],
  ])("%j → %s", (filter, expected) => {
    expect(evaluate(filter, unit)).toBe(expected);
  });

  it("escapes like Autotask", () => {
    expect(autotaskJson({ n: `a&b<c>'d"e\`f+g ü` })).toBe('{"n":"a\\u0026b\\u003Cc\\u003E\\u0027d\\u0022e\\u0060f\\u002Bg \\u00FC"}');
    expect(JSON.parse(autotaskJson({ n: `a&b<c>'d"e\`f+g ü` }))).toEqual({ n: `a&b<c>'d"e\`f+g ü` });
  });
});

describe("ConnectWise simulator: member verification for the pod (§2.6)", () => {
  const origin = "https://api-na.myconnectwise.net";
  const info = `${origin}/v4_6_release/apis/3.0/system/myMembers/info`;
  const CID = SIM_CW_DEFAULTS.clientId;

  it.each([
    ["member cookies", { clientId: CID, cookie: "companyName=northwind; memberId=jsmith; memberHash=sim-member-hash-jsmith; memberContext=x" }, 200],
    ["Basic member auth", { clientId: CID, authorization: `Basic ${btoa("northwind+jsmith:sim-member-hash-jsmith")}` }, 200],
    ["a forged hash", { clientId: CID, cookie: "companyName=northwind; memberId=jsmith; memberHash=forged" }, 401],
    ["another company", { clientId: CID, cookie: "companyName=other; memberId=jsmith; memberHash=sim-member-hash-jsmith" }, 401],
    ["no clientId", { cookie: "companyName=northwind; memberId=jsmith; memberHash=sim-member-hash-jsmith" }, 401],
    ["a clientId not registered on the developer portal", { clientId: "c", cookie: "companyName=northwind; memberId=jsmith; memberHash=sim-member-hash-jsmith" }, 401],
  ])("%s → %i", async (_label, headers, status) => {
    const sim = createConnectWiseSim({ origin });
    const res = await sim.fetch(new Request(info, { headers }));
    expect(res.status).toBe(status);
    if (status === 200) expect(await res.json()).toMatchObject({ identifier: "jsmith", inactiveFlag: false });
  });
});

describe("Autotask simulator: adjustments change the units of their period", () => {
  it("splits a month at a mid-month adjustment and carries it into later periods", async () => {
    const state = new AtSimState(() => new Date("2026-11-10T12:00:00Z"));
    state.addContractService({ id: 70, contractID: 7, serviceID: 5, unitPrice: 26, unitCost: 22, units: 10 });
    state.adjustments.push({ id: 1, contractID: 7, contractServiceID: 70, serviceID: 5, unitChange: 3, effectiveDate: "2026-11-15T00:00:00Z" });
    const rows = state.unitRows().filter((r) => String(r.startDate) >= "2026-11-01" && String(r.startDate) < "2027-01-01");
    expect(rows.map((r) => [String(r.startDate).slice(0, 10), String(r.endDate).slice(0, 10), r.units])).toEqual([
      ["2026-11-01", "2026-11-14", 10],
      ["2026-11-15", "2026-11-30", 13],
      ["2026-12-01", "2026-12-31", 13],
    ]);
  });
});

describe("simulators throttle by default, as the real APIs do (issue 10 item 11)", () => {
  const CW = "https://api-na.myconnectwise.net";
  const cwAuth = { authorization: `Basic ${btoa("northwind+simPublicKey:simPrivateKey")}`, clientId: "3fa85f64-5717-4562-b3fc-2c963f66afa6" };

  it("ConnectWise answers the 1,001st request of a minute 429 with Retry-After and its error body naming the same wait", async () => {
    const sim = createConnectWiseSim({ origin: CW });
    for (let i = 0; i < 1000; i++) {
      const res = await sim.fetch(new Request(`${CW}/v4_6_release/apis/3.0/system/info`, { headers: cwAuth }));
      expect(res.status).toBe(200);
    }
    const res = await sim.fetch(new Request(`${CW}/v4_6_release/apis/3.0/system/info`, { headers: cwAuth }));
    expect(res.status).toBe(429);
    const wait = Number(res.headers.get("retry-after"));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await res.json()).toEqual({ error: "ConnectWiseAPI", message: `Too many requests. Please try again in ${wait} seconds.` });
  });

  it("an injected ConnectWise 429 has the same body, its message matching Retry-After", async () => {
    const sim = createConnectWiseSim({ origin: CW });
    sim.control.addFault({ path: "/system/info", status: 429, retryAfter: 7 });
    const res = await sim.fetch(new Request(`${CW}/v4_6_release/apis/3.0/system/info`, { headers: cwAuth }));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(await res.json()).toEqual({ error: "ConnectWiseAPI", message: "Too many requests. Please try again in 7 seconds." });
  });

  const AT = "https://webservices15.autotask.net";
  const atHeaders = { ApiIntegrationCode: SIM_AT_DEFAULTS.integrationCode, UserName: SIM_AT_DEFAULTS.username, Secret: SIM_AT_DEFAULTS.secret, "content-type": "application/json" };
  const contractsQuery = () => new Request(`${AT}/ATServicesRest/V1.0/Contracts/query`, { method: "POST", headers: atHeaders, body: JSON.stringify({ filter: [{ op: "exist", field: "id" }] }) });

  it("Autotask refuses a 4th concurrent request to one endpoint with 429, and not a request to another endpoint", async () => {
    const sim = createAutotaskSim({ origin: AT });
    const companies = new Request(`${AT}/ATServicesRest/V1.0/Companies/query`, { method: "POST", headers: atHeaders, body: JSON.stringify({ filter: [{ op: "exist", field: "id" }] }) });
    const statuses = await Promise.all([...Array.from({ length: 4 }, () => sim.fetch(contractsQuery())), sim.fetch(companies)].map(async (p) => (await p).status));
    expect(statuses.slice(0, 4).sort()).toEqual([200, 200, 200, 429]);
    expect(statuses[4]).toBe(200);
  });

  it("Autotask refuses requests over the database's hourly threshold with 429 and Retry-After", async () => {
    const sim = createAutotaskSim({ origin: AT, limits: { hourly: 5 } });
    for (let i = 0; i < 5; i++) expect((await sim.fetch(contractsQuery())).status).toBe(200);
    const res = await sim.fetch(contractsQuery());
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await res.json()).toEqual({ errors: ["Request threshold of 5 requests per hour exceeded"] });
  });
});

describe("Autotask simulator: ContractServiceUnits follow the contract's own periods (issue 9 §2)", () => {
  function stateWith(contractPeriodType: number, startDate: string, now = "2026-11-10T12:00:00Z") {
    const state = new AtSimState(() => new Date(now));
    state.contracts.set(7, { id: 7, companyID: 1, contractName: "C", contractType: 7, status: 1, startDate: `${startDate}T00:00:00Z`, endDate: "2030-12-31T00:00:00Z", contractPeriodType });
    state.addContractService({ id: 70, contractID: 7, serviceID: 5, unitPrice: 26, unitCost: 22, units: 10 });
    return state;
  }
  const spans = (state: AtSimState) => state.unitRows().map((r) => [String(r.startDate).slice(0, 10), String(r.endDate).slice(0, 10), r.units]);

  it.each([
    [2, "2025-02-15", ["2026-08-15", "2026-11-14"], ["2026-11-15", "2027-02-14"]],
    [3, "2025-03-01", ["2026-09-01", "2027-02-28"], ["2027-03-01", "2027-08-31"]],
    [4, "2024-07-20", ["2026-07-20", "2027-07-19"], ["2027-07-20", "2028-07-19"]],
    [1, "2025-01-31", ["2026-09-30", "2026-10-30"], ["2026-10-31", "2026-11-29"]],
  ])("period type %i starting %s: periods are anchored at the contract's start day", (type, start, first, second) => {
    const rows = spans(stateWith(type, start));
    expect(rows[0]?.slice(0, 2)).toEqual(first);
    expect(rows[1]?.slice(0, 2)).toEqual(second);
    // Consecutive periods leave no gap and do not overlap.
    for (let i = 1; i < rows.length; i++) expect(String(rows[i]?.[0])).toBe(new Date(Date.parse(`${rows[i - 1]?.[1]}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10));
  });

  it("an adjustment inside a quarter splits that quarter and carries into the next", () => {
    const state = stateWith(2, "2025-02-15");
    state.adjustments.push({ id: 1, contractID: 7, contractServiceID: 70, serviceID: 5, unitChange: 4, effectiveDate: "2026-12-01T00:00:00Z" });
    expect(spans(state).slice(1, 4)).toEqual([
      ["2026-11-15", "2026-11-30", 10],
      ["2026-12-01", "2027-02-14", 14],
      ["2027-02-15", "2027-05-14", 14],
    ]);
  });
});
