import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { LineNoteListResponse, LineNoteResponse, PodContextResponse } from "../../src/shared/pod-types.ts";
import { call, createTenant, type ErrorJson, withKey } from "./helpers/http.ts";
import { seedDemo } from "./helpers/seed.ts";
import type { PodSessionResponse } from "../../src/shared/pod-types.ts";
import { postJson } from "./helpers/http.ts";
import { insertIntegration, memberAuth, memberToken, stubConnectWise } from "./pod-helpers.ts";

let demoKey: string;
let token: string;
let otherKey: string;

beforeAll(async () => {
  demoKey = await seedDemo();
  const other = await createTenant("Other MSP");
  otherKey = other.apiKey;
  await insertIntegration({ id: "psi_api", tenantId: "tnt_demo" });
  await insertIntegration({ id: "psi_api_other", tenantId: other.tenantId });
  stubConnectWise();
  token = await memberToken("psi_api");
  vi.restoreAllMocks();
});

afterEach(() => vi.restoreAllMocks());

function context(query: string, key = token) {
  return call(`/api/pod/context?${query}`, withKey(key));
}

describe("GET /api/pod/context", () => {
  it("maps a ConnectWise agreement id ([cw_id] on the agreement screen) to our agreement", async () => {
    const res = await context("integrationId=psi_api&screen=agreement&id=4101");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      kind: "agreement",
      agreement: { id: "demo_agr_bright", name: "Brightline — Cloud & Security", psaId: "4101", cancelled: false },
      company: { id: "demo_co_bright", name: "Brightline Logistics" },
    } satisfies PodContextResponse);
  });

  it("maps a ConnectWise company id on the company screen to the company and all its agreements", async () => {
    const res = await context("integrationId=psi_api&screen=Company&id=19306");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Extract<PodContextResponse, { kind: "company" }>;
    expect(body.kind).toBe("company");
    expect(body.company).toEqual({ id: "demo_co_granite", name: "Granite Construction Co." });
    expect(body.agreements.map((a) => [a.id, a.cancelled])).toEqual([
      ["demo_agr_granite", false],
      ["demo_agr_granite-old", true],
    ]);
  });

  it.each([
    ["an Autotask contract id", "contractId=4100", "demo_agr_acme"],
    ["our agreement id", "agreementId=demo_agr_cedar", "demo_agr_cedar"],
  ])("opens an agreement by %s", async (_name, query, agreementId) => {
    const body = (await (await context(query)).json()) as PodContextResponse;
    expect(body.kind === "agreement" && body.agreement.id).toBe(agreementId);
  });

  it.each([
    ["integrationId=psi_api&screen=ticket&id=5", 400, "query.screen"],
    ["", 400, "query: give integrationId+screen+id"],
    ["integrationId=psi_api&screen=agreement&id=999999", 404, "No ConnectWise agreement with id 999999: it is not in the last sync"],
    ["integrationId=psi_api_other&screen=agreement&id=4101", 404, "PSA integration not found"],
    ["agreementId=demo_agr_bright&extra=1", 400, "query"],
  ])("%s → %i", async (query, status, message) => {
    const res = await context(query);
    expect(res.status).toBe(status);
    expect(((await res.json()) as ErrorJson).error.message).toContain(message);
  });

  it("never answers another tenant's records", async () => {
    expect((await context("agreementId=demo_agr_bright", otherKey)).status).toBe(404);
    expect((await context("companyId=demo_co_bright", otherKey)).status).toBe(404);
    expect((await context("contractId=4101", otherKey)).status).toBe(404);
  });

  it("needs a session or key", async () => {
    expect((await call("/api/pod/context?agreementId=demo_agr_bright")).status).toBe(401);
  });
});

describe("the ConnectWise sign-in with the pod's context query", () => {
  const signIn = (context: string, integrationId = "psi_api") => postJson("/api/pod/sessions/connectwise", { integrationId, auth: memberAuth(), context });

  it("answers the session and the same context GET /api/pod/context gives (one round trip less before the rows)", async () => {
    stubConnectWise();
    const res = await signIn("integrationId=psi_api&screen=agreement&id=4101");
    expect(res.status).toBe(201);
    const session = (await res.json()) as PodSessionResponse;
    expect(session.token).toMatch(/^tp_/);
    const viaGet = await (await context("integrationId=psi_api&screen=agreement&id=4101", session.token)).json();
    expect(session.context).toEqual(viaGet);
    expect(session.context?.kind === "agreement" && session.context.agreement.id).toBe("demo_agr_bright");
  });

  it("still signs in when the screen has no context; the pod's GET then says why", async () => {
    stubConnectWise();
    const res = await signIn("integrationId=psi_api&screen=agreement&id=999999");
    expect(res.status).toBe(201);
    const session = (await res.json()) as PodSessionResponse;
    expect(session.context).toBeUndefined();
    expect((await context("integrationId=psi_api&screen=agreement&id=999999", session.token)).status).toBe(404);
  });

  it.each([
    ["integrationId=psi_api_other&screen=agreement&id=4101", "body.context: must name a screen of this integration"],
    ["agreementId=demo_agr_bright", "body.context: must name a screen of this integration"],
    ["integrationId=psi_api&screen=agreement&id=41%2001", "body.context.id"],
  ])("refuses the context %s before asking ConnectWise (400 naming the field)", async (query, message) => {
    const cw = stubConnectWise();
    const res = await signIn(query);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorJson).error.message).toContain(message);
    expect(cw.calls).toEqual([]);
  });
});

describe("line notes", () => {
  function put(agreementId: string, productKey: string, note: string, key = token) {
    return call(
      `/api/v1/agreements/${agreementId}/notes/${encodeURIComponent(productKey)}`,
      withKey(key, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ note }) }),
    );
  }

  it("saves, lists, updates and clears a note per agreement line, with the pod member as author", async () => {
    const saved = await put("demo_agr_bright", "M365-BP", "  Customer adds 4 seats in March  ");
    expect(saved.status).toBe(200);
    const { note } = (await saved.json()) as LineNoteResponse;
    expect(note).toMatchObject({ agreementId: "demo_agr_bright", productKey: "M365-BP", note: "Customer adds 4 seats in March", updatedBy: "member:JSmith" });

    await put("demo_agr_bright", "EDR-S1", "Two servers decommissioned", demoKey);
    await put("demo_agr_bright", "M365-BP", "Updated");
    const list = (await (await call("/api/v1/agreements/demo_agr_bright/notes", withKey(token))).json()) as LineNoteListResponse;
    expect(list.notes.map((n) => [n.productKey, n.note, n.updatedBy])).toEqual([
      ["EDR-S1", "Two servers decommissioned", "api-key:tu_demo_lo"],
      ["M365-BP", "Updated", "member:JSmith"],
    ]);

    const cleared = await put("demo_agr_bright", "EDR-S1", "   ");
    expect(await cleared.json()).toEqual({ note: null });
    const after = (await (await call("/api/v1/agreements/demo_agr_bright/notes", withKey(token))).json()) as LineNoteListResponse;
    expect(after.notes.map((n) => n.productKey)).toEqual(["M365-BP"]);

    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE entity_id = 'demo_agr_bright' AND action LIKE 'pod.note.%' ORDER BY seq").all();
    expect(audit.results.map((r) => (r as { action: string }).action)).toEqual(["pod.note.saved", "pod.note.saved", "pod.note.saved", "pod.note.cleared"]);
  });

  it("404s another tenant's agreement and 400s an oversized note", async () => {
    expect((await put("demo_agr_bright", "M365-BP", "x", otherKey)).status).toBe(404);
    expect((await call("/api/v1/agreements/demo_agr_bright/notes", withKey(otherKey))).status).toBe(404);
    const big = await put("demo_agr_bright", "M365-BP", "x".repeat(2001));
    expect(big.status).toBe(400);
    expect(((await big.json()) as ErrorJson).error.message).toContain("body.note");
  });
});

describe("GET /api/pod/people (actors as names, issue 9 §2)", () => {
  it("names a ConnectWise member from myMembers/info at sign-in, and a standalone user from their display name", async () => {
    const created = await call("/api/v1/users", withKey(demoKey, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "Ana@example.com", password: "correct horse battery", displayName: "Ana Lopez" }) }));
    expect(created.status).toBe(201);
    const res = await call("/api/pod/people", withKey(token));
    expect(res.status).toBe(200);
    const { names } = (await res.json()) as { names: Record<string, string> };
    expect(Object.entries(names).filter(([actor]) => actor.startsWith("member:"))).toEqual([[expect.stringMatching(/^member:/), "Jo Smith"]]);
    expect(names["user:ana@example.com"]).toBe("Ana Lopez");
    expect((await call("/api/pod/people", withKey(otherKey))).status).toBe(200);
    expect(((await (await call("/api/pod/people", withKey(otherKey))).json()) as { names: object }).names).toEqual({});
  });
});
