import { beforeAll, describe, expect, it, vi } from "vitest";
import { requiredRole } from "../../src/core/workspace/roles.ts";
import type { PodSessionResponse } from "../../src/shared/pod-types.ts";
import { call, type ErrorJson, postJson, withKey } from "./helpers/http.ts";
import { seedDemo } from "./helpers/seed.ts";
import { insertIntegration, signInMember, stubConnectWise } from "./pod-helpers.ts";
import { createUser, PASSWORD, session, type Session } from "./workspace-helpers.ts";

let demoKey: string;
const as: Record<"admin" | "approver" | "viewer", Session> = {} as never;

const cwBody = { site: "https://na.myconnectwise.net", companyId: "acme", publicKey: "pub", privateKey: "priv", clientId: "5b1a7c2e-0f3d-4e8a-9b6c-1d2e3f4a5b6c" };
const note = (s: Session) => s.json("PUT", "/api/v1/agreements/demo_agr_bright/notes/M365-BP", { note: "checked" });
const decide = (s: Session) => s.json("POST", "/api/v1/decisions", { agreementId: "demo_agr_bright", productKey: "NOPE", action: "dismiss", note: "n/a" });

beforeAll(async () => {
  demoKey = await seedDemo();
  for (const role of ["admin", "approver", "viewer"] as const) {
    await createUser("tnt_demo", `${role}@northwind.test`, role);
    as[role] = await session("tnt_demo", `${role}@northwind.test`);
  }
});

async function forbidden(res: Response, role: string): Promise<void> {
  expect(res.status).toBe(403);
  const body = (await res.json()) as ErrorJson;
  expect(body.error.code).toBe("forbidden");
  expect(body.error.message).toContain(`needs the ${role} role`);
}

describe("viewer", () => {
  it("reads the board, decisions, mappings, audit and exports", async () => {
    for (const path of ["/api/v1/reconciliation", "/api/v1/mappings", "/api/v1/audit", "/api/v1/psa/integrations", "/api/v1/agreements/demo_agr_bright/notes"]) {
      expect([path, (await as.viewer.fetch(path)).status]).toEqual([path, 200]);
    }
  });

  it("cannot approve, note or map", async () => {
    await forbidden(await decide(as.viewer), "approver");
    await forbidden(await note(as.viewer), "approver");
    await forbidden(await as.viewer.json("POST", "/api/v1/mappings/auto-match"), "approver");
  });

  it("cannot see users", async () => {
    await forbidden(await as.viewer.fetch("/api/v1/users"), "admin");
  });
});

describe("approver", () => {
  it("notes, maps and reaches decisions (past the role check)", async () => {
    expect((await note(as.approver)).status).toBe(200);
    expect((await as.approver.json("POST", "/api/v1/mappings/auto-match")).status).toBe(200);
    expect((await decide(as.approver)).status).not.toBe(403);
  });

  it("cannot connect a PSA, sync, create vendor integrations, import or manage users", async () => {
    await forbidden(await as.approver.json("POST", "/api/v1/psa/connectwise", cwBody), "admin");
    await forbidden(await as.approver.json("POST", "/api/v1/psa/integrations/psi_x/sync", { mode: "full" }), "admin");
    await forbidden(await as.approver.json("POST", "/api/v1/integrations", { kind: "batch", name: "x" }), "admin");
    await forbidden(await as.approver.fetch("/api/v1/imports?profile=partner-center-invoice", { method: "POST", body: "a,b" }), "admin");
    await forbidden(await as.approver.json("POST", "/api/v1/users", { email: "x@northwind.test", password: PASSWORD, role: "admin" }), "admin");
    await forbidden(await as.approver.json("PATCH", "/api/v1/users/usr_x", { role: "admin" }), "admin");
  });
});

describe("admin", () => {
  it("passes the role check everywhere (a PSA connect reaches validation)", async () => {
    const res = await as.admin.json("POST", "/api/v1/psa/connectwise", { ...cwBody, site: "ftp://not-a-site" });
    expect(res.status).toBe(400);
    expect((await as.admin.fetch("/api/v1/users")).status).toBe(200);
    expect((await note(as.admin)).status).toBe(200);
  });
});

describe("pod sessions carry roles too", () => {
  it("a ConnectWise member is an approver: notes, but cannot connect a PSA", async () => {
    await insertIntegration({ id: "psi_roles", tenantId: "tnt_demo" });
    stubConnectWise();
    const member = (await (await signInMember("psi_roles")).json()) as PodSessionResponse;
    vi.restoreAllMocks();
    const put = await call("/api/v1/agreements/demo_agr_bright/notes/M365-BP", withKey(member.token, { method: "PUT", headers: { "content-type": "application/json" }, body: '{"note":"m"}' }));
    expect(put.status).toBe(200);
    await forbidden(await postJson("/api/v1/psa/connectwise", cwBody, { authorization: `Bearer ${member.token}` }), "admin");
  });

  it("a standalone viewer cannot note through the pod either", async () => {
    const login = await postJson("/api/pod/sessions/login", { tenantId: "tnt_demo", email: "viewer@northwind.test", password: PASSWORD });
    const pod = (await login.json()) as PodSessionResponse;
    const put = await call("/api/v1/agreements/demo_agr_bright/notes/M365-BP", withKey(pod.token, { method: "PUT", headers: { "content-type": "application/json" }, body: '{"note":"v"}' }));
    await forbidden(put, "approver");
  });

  it("the tenant API key stays admin", async () => {
    expect((await call("/api/v1/users", withKey(demoKey))).status).toBe(200);
  });
});

describe("requiredRole", () => {
  it.each([
    ["GET", "/api/v1/reconciliation", "viewer"],
    ["GET", "/api/v1/exports/decisions.csv", "viewer"],
    ["GET", "/api/v1/users", "admin"],
    ["GET", "/api/v1/alert-settings", "admin"],
    ["POST", "/api/v1/decisions", "approver"],
    // A technician who scheduled a change must be able to cancel it before its day, or retry a failed write (billing-writes).
    ["POST", "/api/v1/decisions/dec_1/cancel", "approver"],
    ["POST", "/api/v1/decisions/dec_1/retry", "approver"],
    ["POST", "/api/v1/mappings/accounts", "approver"],
    ["DELETE", "/api/v1/mappings/services/s/p", "approver"],
    ["PUT", "/api/v1/agreements/a/notes/p", "approver"],
    ["POST", "/api/v1/decisions/x/anything-new", "admin"],
    ["POST", "/api/v1/psa/autotask/test", "admin"],
    ["DELETE", "/api/v1/psa/integrations/x", "admin"],
    ["DELETE", "/api/pod/sessions/current", "viewer"],
  ])("%s %s needs %s (new writes default to admin)", (method, path, role) => {
    expect(requiredRole(method, path)).toBe(role);
  });
});
