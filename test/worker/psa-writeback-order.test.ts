/**
 * Write-backs in order (issue 9 §2 "Write-backs in order"): an older decision
 * never overwrites a newer one on the same line. 110 adjustments on 22 lines,
 * approved in five rounds while earlier ones are still queued, with 10
 * throttled PATCHes (429 + Retry-After, back to the queue) and 2 that fail
 * after ConnectWise applied them (500): every line ends on its last approved
 * quantity, every older decision says it was superseded. Also a decrease to
 * exactly 0 (a customer dropping every seat, issue 10 item 17).
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { handlePsaJob } from "../../src/jobs/psa.ts";
import type { DecisionResponse, DecisionView } from "../../src/shared/api-types.ts";
import type { CwSim } from "../sim/connectwise/app.ts";
import { CW_ORIGIN, cwConnectBody, getAs, installPsaHarness, type PsaHarness, postAs, type Queued, sql } from "../fixtures/psa/harness.ts";
import { createTenant } from "./helpers/http.ts";
import { prng } from "../fixtures/prng.ts";

const AGREEMENTS = 11;
const LINES_PER_AGREEMENT = 2;
const ROUNDS = 5;

let h: PsaHarness;
let cw: CwSim;
let tenant: { tenantId: string; apiKey: string };
let patches: Array<{ path: string; value: unknown }>;

beforeAll(async () => {
  h = installPsaHarness();
  cw = h.connectWise(CW_ORIGIN);
  cw.state.addCompany({ id: 1, identifier: "ORDER", name: "Order Co" });
  for (let a = 0; a < AGREEMENTS; a++) {
    cw.state.addAgreement({ id: 100 + a, companyId: 1, name: `Order MS ${a}` });
    for (let l = 0; l < LINES_PER_AGREEMENT; l++) {
      const id = 1000 + a * 10 + l;
      cw.state.addAddition({ id, agreementId: 100 + a, identifier: `P${id}`, description: `Product ${id}`, quantity: 10, unitPrice: 5, unitCost: 3 });
    }
  }
  h.route(new URL(CW_ORIGIN).host, async (req) => {
    if (req.method === "PATCH") patches.push({ path: new URL(req.url).pathname, value: ((await req.clone().json()) as Array<{ value: unknown }>)[0]?.value });
    return cw.fetch(req);
  });
  tenant = await createTenant("Write-back order MSP");
  expect((await postAs(tenant.apiKey, "/api/v1/psa/connectwise", cwConnectBody())).status).toBe(201);
  await h.drain();
});
afterAll(() => {
  vi.restoreAllMocks();
});
beforeEach(() => {
  patches = [];
  h.queued.length = 0;
  cw.control.clear();
});

async function decide(body: Record<string, unknown>): Promise<DecisionView> {
  const res = await postAs(tenant.apiKey, "/api/v1/decisions", body);
  expect(res.status).toBe(202);
  return ((await res.json()) as DecisionResponse).decision;
}

const view = async (id: string) => ((await (await getAs(tenant.apiKey, `/api/v1/decisions/${id}`)).json()) as DecisionResponse).decision;

describe("write-backs in order", () => {
  it("110 approvals on 22 lines with 10 throttled and 2 failed-after-apply PATCHes end with every line on its last approved quantity", async () => {
    const lines = await sql<{ id: string; agreement_id: string; psa_id: string; agreement_psa_id: string }>(
      "SELECT l.id, l.agreement_id, l.psa_id, a.psa_id AS agreement_psa_id FROM agreement_lines l JOIN agreements a ON a.id = l.agreement_id WHERE l.tenant_id = ? ORDER BY l.psa_id",
      tenant.tenantId,
    );
    expect(lines).toHaveLength(AGREEMENTS * LINES_PER_AGREEMENT);
    const random = prng(9);
    const held: Queued[] = [];
    /** The queue as Cloudflare runs it: due messages now, delayed ones later. */
    const runDue = async () => {
      while (h.queued.length > 0) {
        const next = h.queued.shift() as Queued;
        if ((next.delaySeconds ?? 0) > 0) {
          held.push({ ...next, delaySeconds: undefined });
          continue;
        }
        const outcome = await handlePsaJob(next.message, env);
        if (!outcome.ok && outcome.retryable) held.push(next);
      }
    };
    const last = new Map<string, string>();
    const decided: DecisionView[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Ten throttled PATCHes over the first four rounds, and a failed-after-apply one in rounds 2 and 4.
      if (round < 4) cw.control.addFault({ method: "PATCH", path: "/additions/", status: 429, retryAfter: 30, times: round < 2 ? 3 : 2 });
      if (round % 2 === 1) cw.control.addFault({ method: "PATCH", path: "/additions/", status: 500, when: "after", times: 1 });
      for (const line of lines) {
        const quantity = String(1 + Math.floor(random() * 60));
        decided.push(await decide({ agreementId: line.agreement_id, lineId: line.id, action: "adjust", quantity }));
        last.set(line.id, quantity);
      }
      // Jobs put back with a delay (Retry-After 30 s) come due after the next round was approved and queued.
      h.queued.push(...held.splice(0));
      await runDue();
    }
    while (held.length > 0) {
      h.queued.push(...held.splice(0));
      await runDue();
    }
    expect(decided).toHaveLength(110);
    expect(cw.control.log.filter((e) => e.method === "PATCH" && e.status === 429)).toHaveLength(10);
    expect(cw.control.log.filter((e) => e.method === "PATCH" && e.status === 500)).toHaveLength(2);
    for (const line of lines) {
      expect({ line: line.psa_id, quantity: String(cw.state.findAddition(Number(line.agreement_psa_id), Number(line.psa_id))?.quantity) }).toEqual({ line: line.psa_id, quantity: last.get(line.id) });
    }
    const states = await Promise.all(decided.map(async (d) => ({ d, v: await view(d.id) })));
    for (const line of lines) {
      const own = states.filter((s) => s.d.lineId === line.id);
      const newest = own.at(-1);
      expect(newest?.v.writebackState).toBe("applied");
      for (const older of own.slice(0, -1)) {
        expect(["applied", "superseded"]).toContain(older.v.writebackState);
        if (older.v.writebackState === "superseded") expect(older.v.writebackError).toMatch(/^Superseded by decision dec_\S+ \(quantity \d+\) on the same line/);
      }
    }
    // Our copy of every line matches the PSA after the re-syncs.
    const ours = await sql<{ id: string; quantity: string }>("SELECT id, quantity FROM agreement_lines WHERE tenant_id = ?", tenant.tenantId);
    for (const row of ours) expect(row.quantity).toBe(last.get(row.id));
  }, 120_000);

  it("a decrease to exactly 0 (a customer dropping every seat) is written to ConnectWise as quantity 0", async () => {
    const [line] = await sql<{ id: string; agreement_id: string; psa_id: string; agreement_psa_id: string }>(
      "SELECT l.id, l.agreement_id, l.psa_id, a.psa_id AS agreement_psa_id FROM agreement_lines l JOIN agreements a ON a.id = l.agreement_id WHERE l.tenant_id = ? AND l.psa_id = '1000'",
      tenant.tenantId,
    );
    if (!line) throw new Error("line 1000 missing");
    const decision = await decide({ agreementId: line.agreement_id, lineId: line.id, action: "adjust", quantity: "0" });
    expect(decision.newQuantity).toBe("0");
    await h.drain();
    expect(patches).toEqual([{ path: "/v4_6_release/apis/3.0/finance/agreements/100/additions/1000", value: 0 }]);
    expect(cw.state.findAddition(100, 1000)?.quantity).toBe(0);
    expect(await view(decision.id)).toMatchObject({ writebackState: "applied", newQuantity: "0" });
    expect(await sql("SELECT quantity FROM agreement_lines WHERE id = ?", line.id)).toEqual([{ quantity: "0" }]);
  });
});
