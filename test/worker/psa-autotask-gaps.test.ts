/**
 * Autotask webhooks out of order and with gaps (reliability matrix row 11):
 * SequenceNumber 3 before 2, and 2 dropped. Every event is a hint whose
 * company is re-read, so order does not matter; a dropped event is found by
 * the gap it leaves and an immediate incremental sync brings its change in.
 * The simulator's deliveries go through `deliver`, which can drop them (as
 * Autotask does after 5 failed attempts) or hold them for a later, reordered
 * delivery.
 */
import { env, exports } from "cloudflare:workers";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { GAP_POLL_WINDOW_MS } from "../../src/core/psa/webhook-sequence.ts";
import { handlePsaJob } from "../../src/jobs/psa.ts";
import type { AtSim, Deliver } from "../sim/autotask/app.ts";
import { AT_ORIGIN, atConnectBody, installPsaHarness, type PsaHarness, postAs, sql } from "../fixtures/psa/harness.ts";
import { createTenant } from "./helpers/http.ts";

let h: PsaHarness;
let at: AtSim;
let tenantId: string;
let integrationId: string;

let mode: "deliver" | "drop" | "hold" = "deliver";
const held: Array<{ url: string; init: Parameters<Deliver>[1] }> = [];
const deliver: Deliver = async (url, init) => {
  if (mode === "drop") return new Response(null, { status: 503 });
  if (mode === "hold") {
    held.push({ url, init });
    return new Response(null, { status: 200 });
  }
  return exports.default.fetch(new Request(url, init));
};

beforeAll(async () => {
  h = installPsaHarness();
  at = h.autotask(AT_ORIGIN, { deliver });
  at.state.services.set(5, { id: 5, name: "Microsoft 365 Business Premium" });
  for (const id of [1, 2, 3]) {
    at.state.companies.set(id, { id, companyName: `Customer ${id}`, companyNumber: `C${id}`, companyType: 1 });
    at.state.contracts.set(id, { id, companyID: id, contractName: `Recurring ${id}`, contractType: 7, status: 1, startDate: "2025-01-01T00:00:00Z", endDate: "2030-12-31T00:00:00Z", contractPeriodType: 1 });
    at.state.addContractService({ id: id * 10, contractID: id, serviceID: 5, unitPrice: 26, unitCost: 22, units: 10 });
  }
  const tenant = await createTenant("Autotask gaps MSP");
  tenantId = tenant.tenantId;
  const res = await postAs(tenant.apiKey, "/api/v1/psa/autotask", atConnectBody());
  integrationId = ((await res.json()) as { integrationId: string }).integrationId;
  await h.drain();
});
afterAll(() => {
  vi.restoreAllMocks();
});
beforeEach(() => {
  mode = "deliver";
  h.queued.length = 0;
});

/** Renames the company in Autotask, which sends the signed Company webhook (through `deliver`). */
async function rename(id: number, name: string) {
  const company = at.state.companies.get(id);
  if (company) company.companyName = name;
  return at.companyChanged(id, "Update");
}

const storedName = async (id: number) => (await sql<{ name: string }>("SELECT name FROM psa_companies WHERE tenant_id = ? AND psa_id = ?", tenantId, String(id)))[0]?.name;
const simName = (id: number) => at.state.companies.get(id)?.companyName;
const syncRuns = async () => (await sql<{ n: number }>("SELECT COUNT(*) AS n FROM psa_sync_runs WHERE tenant_id = ? AND integration_id = ?", tenantId, integrationId))[0]?.n ?? 0;
const gapPolls = () => h.queued.filter((q) => q.message.kind === "psa.gap-poll").map((q) => q.message);

describe("Autotask SequenceNumber gaps and order", () => {
  it("deliver 1, 3 (drop 2): the gap queues an immediate poll that brings the dropped change in; final state equals the simulator's", async () => {
    await rename(1, "Alpha One");
    mode = "drop";
    const [dropped] = await rename(2, "Beta Renamed");
    expect(dropped?.status).toBe(503);
    mode = "deliver";
    const [third] = await rename(1, "Alpha Two");
    expect(third?.status).toBe(200);
    expect(gapPolls()).toEqual([
      { kind: "psa.gap-poll", id: expect.stringMatching(`^psa-gap:${integrationId}:`), tenantId, integrationId, window: expect.any(String), gapAt: expect.any(String), reason: expect.stringMatching(/^gap at SequenceNumber \d+$/) },
    ]);
    // The same poll queued again (a redelivery, or a second gap in the window) starts no second sync.
    const [poll] = gapPolls();
    if (poll) h.queued.push({ message: poll, delaySeconds: undefined });
    expect(await storedName(2)).toBe("Customer 2");
    const runsBefore = await syncRuns();
    await h.drain();
    expect(await syncRuns()).toBe(runsBefore + 1);
    expect(await sql("SELECT mode, state FROM psa_sync_runs WHERE tenant_id = ? ORDER BY started_at DESC LIMIT 1", tenantId)).toEqual([{ mode: "incremental", state: "done" }]);
    expect(await storedName(2)).toBe(simName(2));
    expect(await storedName(1)).toBe(simName(1));
  });

  it("consecutive numbers queue no poll: each event is re-read, nothing more", async () => {
    await rename(1, "Alpha Three");
    await rename(2, "Beta Again");
    expect(h.queued.map((q) => q.message.kind)).toEqual(["psa.at-event", "psa.at-event"]);
    await h.drain();
    expect([await storedName(1), await storedName(2)]).toEqual([simName(1), simName(2)]);
  });

  it("two gaps before the poll runs make one poll", async () => {
    for (const name of ["Gamma Lost", "Gamma Lost Again"]) {
      mode = "drop";
      await rename(3, name);
      mode = "deliver";
      await rename(1, `Alpha after ${name}`);
    }
    expect(gapPolls()).toHaveLength(2);
    const runsBefore = await syncRuns();
    await h.drain();
    expect(await syncRuns()).toBe(runsBefore + 1);
    expect(await storedName(3)).toBe(simName(3));
  });

  it("a gap after the window's poll has run is not lost: it is polled at the next window's start", async () => {
    mode = "drop";
    await rename(2, "Beta Lost");
    mode = "deliver";
    await rename(1, "Alpha Four");
    const [first] = gapPolls();
    await h.drain();
    mode = "drop";
    await rename(2, "Beta Lost Again");
    mode = "deliver";
    await rename(1, "Alpha Five");
    const [second] = gapPolls();
    const runsBefore = await syncRuns();
    expect(await handlePsaJob(second ?? { kind: "", id: "", tenantId: "" }, env)).toEqual({ ok: true });
    if (second?.window === first?.window) {
      // This window's poll ran before the gap: no sync now, one queued for the next window's start.
      expect(await syncRuns()).toBe(runsBefore);
      const next = h.queued.filter((q) => q.message.kind === "psa.gap-poll" && q.message !== second);
      expect(next.map((q) => q.message.window)).toEqual([new Date(Date.parse(String(second?.window)) + GAP_POLL_WINDOW_MS).toISOString()]);
      expect(next[0]?.delaySeconds).toBeGreaterThan(0);
    }
    h.queued.splice(h.queued.findIndex((q) => q.message === second), 1);
    await h.drain();
    expect(await syncRuns()).toBe(runsBefore + 1);
    expect(await storedName(2)).toBe(simName(2));
  });

  it("3 before 2: delivered in reverse, the final state is the simulator's (the later event is not undone), and the reorder polls", async () => {
    mode = "hold";
    await rename(3, "Gamma X");
    await rename(3, "Gamma Y");
    mode = "deliver";
    const [second, first] = [held.at(-1), held.at(-2)];
    for (const d of [second, first]) {
      const res = await exports.default.fetch(new Request(d?.url ?? "", d?.init));
      expect(res.status).toBe(200);
    }
    expect(h.queued.filter((q) => q.message.kind === "psa.at-event")).toHaveLength(2);
    expect(gapPolls().map((m) => m.reason)).toContainEqual(expect.stringMatching(/^out-of-order at SequenceNumber \d+$/));
    // The events are processed in the order they arrived (3, then 2) before any poll.
    h.queued.sort((a, b) => Number(b.message.kind === "psa.at-event") - Number(a.message.kind === "psa.at-event"));
    for (const q of h.queued.splice(0, 2)) expect(await handlePsaJob(q.message, env)).toEqual({ ok: true });
    expect(await storedName(3)).toBe("Gamma Y");
    await h.drain();
    expect(await storedName(3)).toBe(simName(3));
  });
});
