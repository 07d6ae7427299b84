import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { firstOfNextMonth } from "../../src/core/shared/dates.ts";
import { handlePsaJob } from "../../src/jobs/psa.ts";
import type { DecisionListResponse, DecisionResponse, DecisionView } from "../../src/shared/api-types.ts";
import type { CwSim } from "../sim/connectwise/app.ts";
import { demoAgreementId, getAs, type PsaHarness, postAs, sql, useDemoConnectWise } from "../fixtures/psa/harness.ts";
import { createTenant } from "./helpers/http.ts";

let h: PsaHarness;
let cw: CwSim;
let key: string;
let patches: unknown[];

useDemoConnectWise((demo) => ({ h, cw, key, patches } = demo));

const agreementId = demoAgreementId;

async function decide(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; decision: DecisionView }> {
  const res = await postAs(key, "/api/v1/decisions", body, headers);
  const json = (await res.json()) as DecisionResponse;
  return { status: res.status, decision: json.decision };
}

async function view(id: string): Promise<DecisionView> {
  return ((await (await getAs(key, `/api/v1/decisions/${id}`)).json()) as DecisionResponse).decision;
}

const simQuantity = (agreement: number, addition: number) => cw.state.findAddition(agreement, addition)?.quantity;
const attempts = (decisionId: string) => sql<{ outcome: string; http_status: number | null }>("SELECT outcome, http_status FROM psa_writeback_attempts WHERE decision_id = ? ORDER BY attempt", decisionId);

describe("approve → write-back → re-sync", () => {
  it("writes the engine's proposal with JSON Patch, records who/old/new/response, re-syncs the line, and can be reverted", async () => {
    const agreement = await agreementId("Brightline");
    const created = await decide({ agreementId: agreement, productKey: "M365-BP", action: "approve", note: "4 new hires" });
    expect(created.status).toBe(202);
    // Issue 9: the API defaults to the pod's date, the next invoice's (1st of next month); ConnectWise without prorateFlag is written at once.
    const nextInvoice = firstOfNextMonth(new Date());
    expect(created.decision).toMatchObject({ action: "approve", productKey: "M365-BP", oldQuantity: "40", newQuantity: "44", effectiveDate: nextInvoice, writebackState: "pending", writebackError: null, actor: "api-key:tu_demo_lo" });
    expect(h.queued.map((q) => q.message.kind)).toEqual(["psa.writeback"]);
    await h.drain();
    expect(patches).toEqual([[{ op: "replace", path: "/quantity", value: 44 }]]);
    expect(simQuantity(4101, 88010)).toBe(44);
    expect(await view(created.decision.id)).toMatchObject({ writebackState: "applied", oldQuantity: "40", newQuantity: "44" });
    const [line] = await sql<{ quantity: string }>("SELECT quantity FROM agreement_lines WHERE id = ?", created.decision.lineId);
    expect(line?.quantity).toBe("44");
    const audit = await sql<{ action: string; actor: string; details: string }>("SELECT action, actor, details FROM audit_log WHERE entity_id = ? ORDER BY seq", created.decision.id);
    expect(audit.map((a) => a.action)).toEqual(["decision.approve", "decision.applied"]);
    const approved = JSON.parse(audit[0]?.details ?? "{}") as { evidence: { vendorQuantity: string; sources: Array<{ quantity: string }> } };
    expect(approved.evidence.vendorQuantity).toBe("44");
    expect(approved.evidence.sources.map((s) => s.quantity)).toEqual(["44"]);
    const applied = JSON.parse(audit[1]?.details ?? "{}") as Record<string, unknown>;
    expect(applied).toMatchObject({ old: "40", new: "44" });
    expect(String(applied.psaResponse)).toContain('"quantity":44');

    const revert = await decide({ agreementId: agreement, action: "revert", revertsDecisionId: created.decision.id });
    expect(revert.decision).toMatchObject({ action: "revert", newQuantity: "40", lineId: created.decision.lineId, revertsDecisionId: created.decision.id });
    await h.drain();
    expect(simQuantity(4101, 88010)).toBe(40);
    expect((await view(revert.decision.id)).writebackState).toBe("applied");
    const list = (await (await getAs(key, `/api/v1/agreements/${agreement}/decisions`)).json()) as DecisionListResponse;
    expect(list.decisions.map((d) => d.id)).toEqual([revert.decision.id, created.decision.id]);
  });

  it("dismiss needs no write-back", async () => {
    const res = await decide({ agreementId: await agreementId("Cedar"), productKey: "M365-E3", action: "dismiss", note: "Customer pays E3 directly" });
    expect(res).toMatchObject({ status: 202, decision: { writebackState: "not-required", newQuantity: null } });
    expect(h.queued).toEqual([]);
  });

  it("adjust writes the given decimal quantity", async () => {
    const res = await decide({ agreementId: await agreementId("Ironwood"), productKey: "AZURE-CONS", action: "adjust", quantity: "1843.27" });
    expect(res.decision).toMatchObject({ newQuantity: "1843.27", oldQuantity: "1650" });
    await h.drain();
    expect(patches).toEqual([[{ op: "replace", path: "/quantity", value: 1843.27 }]]);
    expect((await view(res.decision.id)).writebackState).toBe("applied");
  });
});

describe("PSA failures", () => {
  it("429 then success: waits for Retry-After, re-reads, writes once", async () => {
    cw.control.addFault({ method: "PATCH", path: "/additions/88020", status: 429, retryAfter: 1 });
    const started = Date.now();
    const res = await decide({ agreementId: await agreementId("Cedar"), productKey: "M365-E3", action: "approve" });
    expect(res.decision.newQuantity).toBe("15");
    await h.drain();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(cw.control.log.filter((e) => e.method === "PATCH").map((e) => e.status)).toEqual([429, 200]);
    expect(await attempts(res.decision.id)).toEqual([{ outcome: "throttled", http_status: 429 }, { outcome: "applied", http_status: 200 }]);
    expect(simQuantity(4102, 88020)).toBe(15);
  });

  it("a long Retry-After goes back to the queue with that delay", async () => {
    cw.control.addFault({ method: "PATCH", path: "/additions/88020", status: 429, retryAfter: 120 });
    const res = await decide({ agreementId: await agreementId("Cedar"), productKey: "M365-E3", action: "adjust", quantity: "16" });
    const [job] = h.queued.splice(0);
    expect(await handlePsaJob(job?.message ?? { kind: "", id: "", tenantId: "" }, env)).toEqual({ ok: true });
    expect(h.queued.map((q) => [q.message.kind, q.delaySeconds])).toEqual([["psa.writeback", 120]]);
    expect((await view(res.decision.id)).writebackState).toBe("pending");
    await h.drain();
    expect((await view(res.decision.id)).writebackState).toBe("applied");
  });

  it("the PSA applies the change then answers 500: the re-read sees it, no second write", async () => {
    cw.control.addFault({ method: "PATCH", path: "/additions/88002", status: 500, when: "after" });
    const res = await decide({ agreementId: await agreementId("Acme"), productKey: "BKP-SAAS", action: "approve" });
    expect(res.decision).toMatchObject({ oldQuantity: "25", newQuantity: "27" });
    await h.drain();
    expect(patches).toHaveLength(1);
    expect(simQuantity(4100, 88002)).toBe(27);
    expect(await attempts(res.decision.id)).toEqual([{ outcome: "uncertain", http_status: 500 }, { outcome: "already-applied", http_status: null }]);
    expect((await view(res.decision.id)).writebackState).toBe("applied");
  });

  it("a 4xx is final: failed with the PSA's reason, never retried", async () => {
    cw.control.addFault({ method: "PATCH", path: "/additions/88100", status: 400, body: { code: "InvalidObject", message: "Addition is locked by a posted invoice" } });
    const res = await decide({ agreementId: await agreementId("Juniper"), productKey: "M365-E3", action: "approve" });
    await h.drain();
    const failed = await view(res.decision.id);
    expect(failed.writebackState).toBe("failed");
    expect(failed.writebackError).toBe("ConnectWise rejected the change (400). ConnectWise said: “Addition is locked by a posted invoice”. Fix what it names in ConnectWise (or choose another quantity or date), then Retry.");
    expect(patches).toHaveLength(1);
    expect(simQuantity(4110, 88100)).toBe(10);
  });
});

describe("exactly once", () => {
  it("two concurrent approvals of one line make one PSA write", async () => {
    const agreement = await agreementId("Lakeside");
    const [a, b] = await Promise.all([
      decide({ agreementId: agreement, productKey: "EXO-P1", action: "approve" }),
      decide({ agreementId: agreement, productKey: "EXO-P1", action: "approve" }),
    ]);
    expect(a.decision.id).not.toBe(b.decision.id);
    const jobs = h.queued.splice(0).map((q) => q.message);
    expect(jobs).toHaveLength(2);
    await Promise.all(jobs.map((job) => handlePsaJob(job, env)));
    await h.drain();
    expect(patches).toEqual([[{ op: "replace", path: "/quantity", value: 42 }]]);
    expect(simQuantity(4112, 88120)).toBe(42);
    const states = [(await view(a.decision.id)).writebackState, (await view(b.decision.id)).writebackState];
    expect(states).toEqual(["applied", "applied"]);
  });

  it("the same Idempotency-Key returns the first decision; a different body with it is a 409", async () => {
    const agreement = await agreementId("Harbor");
    const first = await decide({ agreementId: agreement, productKey: "EDR-S1", action: "dismiss" }, { "idempotency-key": "k-123" });
    const again = await decide({ agreementId: agreement, productKey: "EDR-S1", action: "dismiss" }, { "idempotency-key": "k-123" });
    expect(again.decision.id).toBe(first.decision.id);
    const conflict = await postAs(key, "/api/v1/decisions", { agreementId: agreement, productKey: "EDR-S1", action: "adjust", quantity: "3" }, { "idempotency-key": "k-123" });
    expect(conflict.status).toBe(409);
  });

  it("compares the whole request under one Idempotency-Key: another product, note, quantity or effective date is a 409 (issue 10 #7)", async () => {
    const acme = await agreementId("Acme");
    const inTenDays = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const inTwentyDays = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const dismiss = { agreementId: acme, productKey: "EDR-S1", action: "dismiss", note: "customer is migrating" };
    const first = await decide(dismiss, { "idempotency-key": "k-whole-1" });
    expect((await decide(dismiss, { "idempotency-key": "k-whole-1" })).decision.id).toBe(first.decision.id);
    for (const changed of [{ ...dismiss, note: "another reason" }, { ...dismiss, note: undefined }, { ...dismiss, productKey: "M365-BP" }]) {
      const res = await postAs(key, "/api/v1/decisions", changed, { "idempotency-key": "k-whole-1" });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("conflict");
    }
    const adjust = { agreementId: acme, productKey: "EDR-S1", action: "adjust", quantity: "3", effectiveDate: inTenDays };
    const adjusted = await decide(adjust, { "idempotency-key": "k-whole-2" });
    expect((await decide(adjust, { "idempotency-key": "k-whole-2" })).decision.id).toBe(adjusted.decision.id);
    expect((await postAs(key, "/api/v1/decisions", { ...adjust, effectiveDate: inTwentyDays }, { "idempotency-key": "k-whole-2" })).status).toBe(409);
    expect((await postAs(key, "/api/v1/decisions", { ...adjust, quantity: "4" }, { "idempotency-key": "k-whole-2" })).status).toBe(409);
    expect((await postAs(key, "/api/v1/decisions", { ...adjust, note: "typo fix" }, { "idempotency-key": "k-whole-2" })).status).toBe(409);
  });
});

describe("validation and tenancy", () => {
  it.each([
    [{ action: "approve" }, "body.agreementId"],
    [{ agreementId: "x", action: "bump" }, "body.action"],
    [{ agreementId: "x", action: "adjust", quantity: "-1" }, "body.quantity"],
    [{ agreementId: "x", action: "adjust", quantity: "1e3" }, "body.quantity"],
    [{ agreementId: "x", action: "approve", effectiveDate: "01/12/2026" }, "body.effectiveDate"],
    [{ agreementId: "x", action: "approve", extra: true }, "extra"],
  ])("%j → 400 naming %s", async (body, field) => {
    const res = await postAs(key, "/api/v1/decisions", body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(field);
  });

  it("adjust without a quantity, a line of another product or agreement, approve of a matching row, and revert of an unapplied decision are refused", async () => {
    const acme = await agreementId("Acme");
    const [acmeLine] = await sql<{ id: string }>("SELECT id FROM agreement_lines WHERE agreement_id = ? AND product_key = 'EDR-S1'", acme);
    const mismatch = await postAs(key, "/api/v1/decisions", { agreementId: acme, lineId: acmeLine?.id, productKey: "M365-BP", action: "adjust", quantity: "3" });
    expect(mismatch.status).toBe(400);
    expect(((await mismatch.json()) as { error: { message: string } }).error.message).toMatch(/^body\.productKey/);
    const foreign = await postAs(key, "/api/v1/decisions", { agreementId: await agreementId("Cedar"), lineId: acmeLine?.id, action: "adjust", quantity: "3" });
    expect(((await foreign.json()) as { error: { message: string } }).error.message).toBe("body.lineId: not a line of this agreement");
    expect((await postAs(key, "/api/v1/decisions", { agreementId: acme, productKey: "EDR-S1", action: "adjust" })).status).toBe(400);
    expect((await postAs(key, "/api/v1/decisions", { agreementId: acme, productKey: "M365-BP", action: "approve" })).status).toBe(409);
    // Reverting a decision whose write-back hasn't applied is refused; reverting a dismissal undoes it (issue 9: "can be undone").
    const pending = await decide({ agreementId: acme, productKey: "EDR-S1", action: "adjust", quantity: "31" });
    expect((await postAs(key, "/api/v1/decisions", { agreementId: acme, action: "revert", revertsDecisionId: pending.decision.id })).status).toBe(409);
    const dismissed = await decide({ agreementId: acme, productKey: "M365-BP", action: "dismiss" });
    const undone = await postAs(key, "/api/v1/decisions", { agreementId: acme, action: "revert", revertsDecisionId: dismissed.decision.id });
    expect(undone.status).toBe(202);
    expect(((await undone.json()) as { decision: { writebackState: string } }).decision.writebackState).toBe("not-required");
  });

  it("another tenant sees neither the agreement nor the decisions", async () => {
    const other = await createTenant("Nosy MSP");
    const acme = await agreementId("Acme");
    const mine = await decide({ agreementId: acme, productKey: "EDR-S1", action: "dismiss" });
    expect((await postAs(other.apiKey, "/api/v1/decisions", { agreementId: acme, productKey: "EDR-S1", action: "dismiss" })).status).toBe(404);
    expect((await getAs(other.apiKey, `/api/v1/decisions/${mine.decision.id}`)).status).toBe(404);
    expect((await getAs(other.apiKey, `/api/v1/agreements/${acme}/decisions`)).status).toBe(404);
  });

  it("an agreement without a connected PSA cannot be written back", async () => {
    const old = await sql<{ id: string }>("SELECT id FROM agreements WHERE tenant_id = 'tnt_demo' AND psa = 'connectwise' LIMIT 1");
    const decisionsBefore = await sql<{ n: number }>("SELECT count(*) AS n FROM decisions WHERE tenant_id = 'tnt_demo'");
    await env.DB.prepare("UPDATE psa_integrations SET status = 'disconnected' WHERE tenant_id = 'tnt_demo'").run();
    const res = await postAs(key, "/api/v1/decisions", { agreementId: old[0]?.id, productKey: "M365-BP", action: "adjust", quantity: "1" });
    // A dismissal needs no write-back, so it is still taken: the refusal above is about the missing PSA, not the request.
    const dismissal = await postAs(key, "/api/v1/decisions", { agreementId: old[0]?.id, productKey: "M365-BP", action: "dismiss" });
    await env.DB.prepare("UPDATE psa_integrations SET status = 'active' WHERE tenant_id = 'tnt_demo'").run();
    expect(res.status).toBe(409);
    const error = ((await res.json()) as { error: { code: string; message: string } }).error;
    expect(error).toMatchObject({ code: "conflict", message: 'The agreement comes from "connectwise", which has no connected PSA to write back to' });
    expect(dismissal.status).toBe(202);
    const decisionsAfter = await sql<{ n: number }>("SELECT count(*) AS n FROM decisions WHERE tenant_id = 'tnt_demo'");
    expect(decisionsAfter[0]?.n).toBe((decisionsBefore[0]?.n ?? 0) + 1);
    expect(h.queued.filter((q) => (q.message as { kind?: string }).kind === "psa.writeback")).toEqual([]);
  });
});
