/**
 * Reliability matrix row 24 (shared/reference/reliability-and-security.md §7), partial batch
 * failure: a batch of 10 where message 8 throws — 1–7 and 9–10 are acked once and applied
 * once, 8 alone is retried with backoff from `msg.attempts`, and a redelivery of the same
 * batch (Queues deliver at least once) applies nothing twice.
 *
 * The messages are real `psa.cw-callback` jobs: ten signed ConnectWise callbacks about ten
 * agreements whose addition quantity changed. Each job's effect is countable — one re-read of
 * its agreement from the PSA, the new quantity on the local line, its inbox row processed.
 * Message 8's agreement answers 503, a transient failure.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import type { JobMessage } from "../../src/jobs/messages.ts";
import type { CwSim } from "../sim/connectwise/app.ts";
import { CW_ORIGIN, cwConnectBody, installPsaHarness, type PsaHarness, postAs, sql } from "../fixtures/psa/harness.ts";
import { createTenant } from "./helpers/http.ts";

const AGREEMENTS = Array.from({ length: 10 }, (_, i) => 10 + i);
const FAILING = 7; // message 8 of 10
const additionOf = (agreement: number) => agreement * 10;

let h: PsaHarness;
let cw: CwSim;
let tenant: { tenantId: string; apiKey: string };

beforeAll(async () => {
  h = installPsaHarness();
  cw = h.connectWise(CW_ORIGIN);
  cw.state.addCompany({ id: 1, identifier: "BATCH", name: "Batch Co" });
  for (const a of AGREEMENTS) {
    cw.state.addAgreement({ id: a, companyId: 1, name: `Batch MS ${a}` });
    cw.state.addAddition({ id: additionOf(a), agreementId: a, identifier: `P${a}`, description: `Product ${a}`, quantity: 10, unitPrice: 5, unitCost: 3 });
  }
  tenant = await createTenant("Partial batch MSP");
  expect((await postAs(tenant.apiKey, "/api/v1/psa/connectwise", cwConnectBody())).status).toBe(201);
  await h.drain();
});
afterAll(() => {
  vi.restoreAllMocks();
});

/** Successful re-reads of one agreement (the job's PSA call; additions are read separately). */
const reads = (agreement: number) => cw.control.log.filter((e) => e.method === "GET" && e.status === 200 && e.path.split("?")[0]?.endsWith(`/finance/agreements/${agreement}`)).length;
const lineQuantity = async (agreement: number) => (await sql<{ quantity: string }>("SELECT quantity FROM agreement_lines WHERE tenant_id = ? AND psa_id = ?", tenant.tenantId, String(additionOf(agreement))))[0]?.quantity;
const inboxRows = () => sql<{ id: string; state: string; processed_at: string | null }>("SELECT id, state, processed_at FROM psa_webhook_inbox WHERE tenant_id = ? ORDER BY id", tenant.tenantId);

/** Delivers `bodies` to the Worker's queue handler as one batch, as the runtime does; spies on every ack and retry. */
async function deliver(bodies: JobMessage[], attempts: number) {
  const batch = createMessageBatch<JobMessage>(
    "trueup-jobs",
    bodies.map((body, i) => ({ id: `m${i + 1}`, timestamp: Date.now(), attempts, body })),
  );
  const acks = batch.messages.map((m) => vi.spyOn(m as Message<JobMessage>, "ack"));
  const retries = batch.messages.map((m) => vi.spyOn(m as Message<JobMessage>, "retry"));
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  const result = await getQueueResult(batch, ctx);
  return { acks, retries, result };
}

describe("row 24: partial batch failure", () => {
  it("a batch of 10 whose 8th message fails transiently: 1–7 and 9–10 acked and applied once, 8 retried with 2^attempts backoff; redelivering the batch applies nothing twice", async () => {
    for (const [i, a] of AGREEMENTS.entries()) {
      const res = await cw.fetch(new Request(`${CW_ORIGIN}/_sim/agreements/${a}/additions/${additionOf(a)}`, { method: "POST", body: JSON.stringify({ quantity: 20 + i }) }));
      expect(res.status).toBe(200);
    }
    const messages = h.queued.splice(0).map((q) => q.message);
    expect(messages.map((m) => m.kind)).toEqual(Array(10).fill("psa.cw-callback"));
    const failing = AGREEMENTS[FAILING] as number;
    cw.control.clear();
    cw.control.addFault({ method: "GET", path: `/finance/agreements/${failing}`, status: 503, times: 1_000 });

    // First delivery.
    const first = await deliver(messages, 1);
    const others = AGREEMENTS.filter((_, i) => i !== FAILING);
    const otherIds = others.map((a) => `m${AGREEMENTS.indexOf(a) + 1}`);
    expect(first.result.explicitAcks.sort()).toEqual([...otherIds].sort());
    expect(first.result.retryMessages.map((m) => m.msgId)).toEqual(["m8"]);
    first.acks.forEach((ack, i) => expect(ack).toHaveBeenCalledTimes(i === FAILING ? 0 : 1));
    first.retries.forEach((retry, i) => expect(retry).toHaveBeenCalledTimes(i === FAILING ? 1 : 0));
    // Backoff from the message's own attempts: 2^1 s on its first delivery.
    expect(first.retries[FAILING]).toHaveBeenCalledWith({ delaySeconds: 2 });
    for (const [i, a] of AGREEMENTS.entries()) {
      expect(reads(a)).toBe(i === FAILING ? 0 : 1);
      expect(await lineQuantity(a)).toBe(i === FAILING ? "10" : String(20 + i));
    }
    const afterFirst = await inboxRows();
    expect(afterFirst.filter((r) => r.state === "processed")).toHaveLength(9);
    expect(afterFirst.filter((r) => r.state === "received")).toHaveLength(1);

    // At-least-once: the runtime delivers the same batch again (acks lost, or a late redelivery).
    const second = await deliver(messages, 2);
    expect(second.result.explicitAcks.sort()).toEqual([...otherIds].sort());
    expect(second.retries[FAILING]).toHaveBeenCalledWith({ delaySeconds: 4 });
    for (const [i, a] of AGREEMENTS.entries()) {
      // No second re-read and no second write: a processed inbox row makes its job a no-op.
      expect(reads(a)).toBe(i === FAILING ? 0 : 1);
      expect(await lineQuantity(a)).toBe(i === FAILING ? "10" : String(20 + i));
    }
    expect(await inboxRows()).toEqual(afterFirst);

    // The PSA recovers: message 8's next delivery is applied, once.
    cw.control.clear();
    const third = await deliver([messages[FAILING] as JobMessage], 3);
    expect(third.result.explicitAcks).toEqual(["m1"]);
    expect(third.result.retryMessages).toEqual([]);
    expect(reads(failing)).toBe(1);
    expect(await lineQuantity(failing)).toBe(String(20 + FAILING));
    expect((await inboxRows()).every((r) => r.state === "processed")).toBe(true);
    for (const a of others) expect(reads(a)).toBe(0);
  });
});
