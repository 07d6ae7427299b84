import { describe, expect, it } from "vitest";
import { autotaskJson, evaluate } from "../sim/autotask/filters.ts";
import { AtSimState } from "../sim/autotask/state.ts";
import { createConnectWiseSim } from "../sim/connectwise/app.ts";
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

  it.each([
    ["member cookies", { clientId: "c", cookie: "companyName=northwind; memberId=jsmith; memberHash=sim-member-hash-jsmith; memberContext=x" }, 200],
    ["Basic member auth", { clientId: "c", authorization: `Basic ${btoa("northwind+jsmith:sim-member-hash-jsmith")}` }, 200],
    ["a forged hash", { clientId: "c", cookie: "companyName=northwind; memberId=jsmith; memberHash=forged" }, 401],
    ["another company", { clientId: "c", cookie: "companyName=other; memberId=jsmith; memberHash=sim-member-hash-jsmith" }, 401],
    ["no clientId", { cookie: "companyName=northwind; memberId=jsmith; memberHash=sim-member-hash-jsmith" }, 401],
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
