/**
 * Issue 9 §2 "Effective dates that happen": ConnectWise applies an
 * addition's quantity PATCH at once and only an agreement with prorateFlag
 * takes (and prorates from) an effectiveDate (ConnectWise REST API guide,
 * Finance › Agreements › Additions `effectiveDate`, Agreement `prorateFlag`;
 * reference psa-and-vendor-apis.md §2.3/§7.1). So a later date on a
 * non-prorating agreement is held by Trueup (`scheduled`), written on its
 * day by the quarter-hour cron, cancellable until then; "now" is a plain
 * quantity PATCH; "with-date" carries the date. Failures say what to do and
 * Retry keeps the date and quantity.
 */
import { describe, expect, it } from "vitest";
import { addDays, firstOfNextMonth } from "../../src/core/shared/dates.ts";
import type { DecisionResponse, DecisionView } from "../../src/shared/api-types.ts";
import type { CwSim } from "../sim/connectwise/app.ts";
import { demoAgreementId, getAs, type PsaHarness, postAs, sql, useDemoConnectWise } from "../fixtures/psa/harness.ts";
import { env } from "cloudflare:workers";

const QUARTER_HOUR = "*/15 * * * *";
let h: PsaHarness;
let cw: CwSim;
let key: string;
let patches: unknown[];

useDemoConnectWise((demo) => ({ h, cw, key, patches } = demo));

const agreementId = demoAgreementId;

async function decide(body: Record<string, unknown>): Promise<{ status: number; decision: DecisionView }> {
  const res = await postAs(key, "/api/v1/decisions", body);
  return { status: res.status, decision: ((await res.json()) as DecisionResponse).decision };
}

async function view(id: string): Promise<DecisionView> {
  return ((await (await getAs(key, `/api/v1/decisions/${id}`)).json()) as DecisionResponse).decision;
}

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

const writebacks = () => h.queued.filter((q) => q.message.kind === "psa.writeback");
const auditActions = async (id: string) => (await sql<{ action: string }>("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY seq", id)).map((a) => a.action);
const at = (day: string, time = "00:15:00") => new Date(`${day}T${time}Z`);

describe("a later date on a ConnectWise agreement without prorateFlag is scheduled", () => {
  const nextInvoice = firstOfNextMonth(new Date());
  const later = addDays(nextInvoice, 14);

  it("is held (not queued, not written), released by the quarter-hour cron on its day, then written as a plain quantity change", async () => {
    const res = await decide({ agreementId: await agreementId("Cedar"), productKey: "M365-E3", action: "adjust", quantity: "16", effectiveDate: later });
    expect(res.status).toBe(202);
    // Monthly agreement: a mid-month date is first billed in full by the next month's invoice.
    expect(res.decision).toMatchObject({ writebackState: "scheduled", writeMode: "scheduled", writeOn: later, effectiveDate: later, firstBilledOn: firstOfNextMonth(new Date(`${later}T00:00:00Z`)) });
    expect(writebacks()).toEqual([]);

    await h.cron(QUARTER_HOUR, at(addDays(later, -1), "23:45:00"));
    expect(writebacks()).toEqual([]);
    expect((await view(res.decision.id)).writebackState).toBe("scheduled");

    await h.cron(QUARTER_HOUR, at(later));
    expect(writebacks().map((q) => (q.message as { decisionId?: string }).decisionId)).toEqual([res.decision.id]);
    expect((await view(res.decision.id)).writebackState).toBe("pending");
    await h.drain();
    expect(patches).toEqual([[{ op: "replace", path: "/quantity", value: 16 }]]);
    expect(cw.state.findAddition(4102, 88020)?.quantity).toBe(16);
    expect(await view(res.decision.id)).toMatchObject({ writebackState: "applied", writeMode: "scheduled" });
    expect(await auditActions(res.decision.id)).toEqual(["decision.adjust", "decision.released", "decision.applied"]);
  });

  it("can be cancelled until its day (audited, never written); once its write has started, cancel is a 409", async () => {
    const agreement = await agreementId("Juniper");
    const held = await decide({ agreementId: agreement, productKey: "M365-E3", action: "adjust", quantity: "12", effectiveDate: later });
    expect(held.decision.writebackState).toBe("scheduled");
    const cancel = await postAs(key, `/api/v1/decisions/${held.decision.id}/cancel`, {});
    expect(cancel.status).toBe(200);
    expect(((await cancel.json()) as DecisionResponse).decision.writebackState).toBe("cancelled");
    // Cancelling again answers the same decision (idempotent).
    expect((await postAs(key, `/api/v1/decisions/${held.decision.id}/cancel`, {})).status).toBe(200);
    await h.cron(QUARTER_HOUR, at(later));
    expect(writebacks()).toEqual([]);
    expect(await auditActions(held.decision.id)).toEqual(["decision.adjust", "decision.cancelled"]);

    const now = await decide({ agreementId: agreement, productKey: "M365-E3", action: "adjust", quantity: "11" });
    expect(now.decision).toMatchObject({ writebackState: "pending", writeMode: "now", writeOn: null, firstBilledOn: nextInvoice });
    const refused = await postAs(key, `/api/v1/decisions/${now.decision.id}/cancel`, {});
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).message).toContain("has started");
    await h.drain();
    expect(patches).toEqual([[{ op: "replace", path: "/quantity", value: 11 }]]);
  });

  it("a newer approval on the same line supersedes a scheduled one", async () => {
    const agreement = await agreementId("Lakeside");
    const held = await decide({ agreementId: agreement, productKey: "EXO-P1", action: "adjust", quantity: "50", effectiveDate: later });
    expect(held.decision.writebackState).toBe("scheduled");
    const newer = await decide({ agreementId: agreement, productKey: "EXO-P1", action: "approve" });
    expect(newer.decision.writebackState).toBe("pending");
    expect(await view(held.decision.id)).toMatchObject({ writebackState: "superseded" });
    expect((await view(held.decision.id)).writebackError).toContain(newer.decision.id);
    await h.drain();
    await h.cron(QUARTER_HOUR, at(later));
    expect(writebacks()).toEqual([]);
    expect(cw.state.findAddition(4112, 88120)?.quantity).toBe(Number(newer.decision.newQuantity));
  });

  it("a prorating agreement (prorateFlag) is written at once with the date", async () => {
    const agreement = await agreementId("Harbor");
    const [row] = await sql<{ psa_id: string }>("SELECT psa_id FROM agreements WHERE id = ?", agreement);
    const sim = cw.state.agreements.get(Number(row?.psa_id));
    if (!sim) throw new Error("no sim agreement");
    sim.prorateFlag = true;
    await env.DB.prepare("UPDATE psa_agreement_state SET allows_effective_date = 1 WHERE agreement_id = ?").bind(agreement).run();
    const res = await decide({ agreementId: agreement, productKey: "EDR-S1", action: "adjust", quantity: "9", effectiveDate: later });
    expect(res.decision).toMatchObject({ writebackState: "pending", writeMode: "with-date", writeOn: null });
    await h.drain();
    expect(patches).toEqual([
      [
        { op: "replace", path: "/quantity", value: 9 },
        { op: "replace", path: "/effectiveDate", value: `${later}T00:00:00Z` },
      ],
    ]);
  });
});

describe("failures you can act on", () => {
  it("a 400 keeps ConnectWise's message once with what to do; Retry re-queues with the same quantity and date", async () => {
    const agreement = await agreementId("Ironwood");
    cw.control.addFault({ method: "PATCH", path: "/additions/", status: 400, body: { code: "InvalidObject", message: "Addition is locked by a posted invoice", errors: [{ code: "InvalidObject", message: "Addition is locked by a posted invoice", field: "quantity" }] } });
    const res = await decide({ agreementId: agreement, productKey: "AZURE-CONS", action: "adjust", quantity: "1700" });
    await h.drain();
    const failed = await view(res.decision.id);
    expect(failed.writebackState).toBe("failed");
    expect(failed.writebackError).toBe("ConnectWise rejected the change (400). ConnectWise said: “Addition is locked by a posted invoice”. Fix what it names in ConnectWise (or choose another quantity or date), then Retry.");
    expect(failed.writebackError?.split("Addition is locked").length).toBe(2);

    cw.control.clear();
    const retry = await postAs(key, `/api/v1/decisions/${res.decision.id}/retry`, {});
    expect(retry.status).toBe(202);
    expect(((await retry.json()) as DecisionResponse).decision).toMatchObject({ writebackState: "pending", writebackError: null, newQuantity: "1700", effectiveDate: res.decision.effectiveDate });
    await h.drain();
    expect(await view(res.decision.id)).toMatchObject({ writebackState: "applied", newQuantity: "1700" });
    expect(patches.at(-1)).toEqual([{ op: "replace", path: "/quantity", value: 1700 }]);
    expect(await auditActions(res.decision.id)).toEqual(["decision.adjust", "decision.failed", "decision.retried", "decision.applied"]);
    const again = await postAs(key, `/api/v1/decisions/${res.decision.id}/retry`, {});
    expect(again.status).toBe(409);
  });

  it("Retry is refused when a newer decision stands on the line (it would overwrite it)", async () => {
    const agreement = await agreementId("Acme");
    cw.control.addFault({ method: "PATCH", path: "/additions/", status: 403, body: { code: "Forbidden", message: "You do not have access to this record" } });
    const first = await decide({ agreementId: agreement, productKey: "BKP-SAAS", action: "adjust", quantity: "30" });
    await h.drain();
    expect((await view(first.decision.id)).writebackError).toMatch(/^ConnectWise refused the change: not allowed for Trueup's API user \(403\)\. ConnectWise said: “You do not have access to this record”\. In ConnectWise, give the API member's security role Finance › Agreements: Edit/);
    cw.control.clear();
    await decide({ agreementId: agreement, productKey: "BKP-SAAS", action: "adjust", quantity: "31" });
    await h.drain();
    const refused = await postAs(key, `/api/v1/decisions/${first.decision.id}/retry`, {});
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).message).toContain("newer decision");
    expect(cw.state.findAddition(4100, 88002)?.quantity).toBe(31);
  });

  it("cancel and retry are tenant-scoped: another tenant's id is a 404", async () => {
    expect((await postAs(key, "/api/v1/decisions/dec_nope/cancel", {})).status).toBe(404);
    expect((await postAs(key, "/api/v1/decisions/dec_nope/retry", {})).status).toBe(404);
  });
});
