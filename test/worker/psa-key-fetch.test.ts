/**
 * The ConnectWise signing-key fetch under a broken key endpoint (reliability
 * matrix rows 4 and 5): whatever the key URL does — never answer, stall its
 * body, send more than 64 KiB, answer 500 or a body without a key — the
 * callback is answered 429 (ConnectWise retries only 404/409/419/429, §2.1)
 * well within ConnectWise's 5 s, and its raw payload is kept for replay.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { KEY_FETCH_TIMEOUT_MS, setKeyFetchTimeout } from "../../src/services/psa/signing-key.ts";
import type { CwSim } from "../sim/connectwise/app.ts";
import { addAlphaDental, CW_ORIGIN, cwConnectBody, installPsaHarness, type PsaHarness, postAs, sql } from "../fixtures/psa/harness.ts";
import { createTenant } from "./helpers/http.ts";

/** The deadline these tests run with (production: KEY_FETCH_TIMEOUT_MS). */
const TEST_DEADLINE_MS = 300;
/** ConnectWise gives up on a callback after 5 s (reliability-and-security.md §2.1). */
const CW_CALLBACK_TIMEOUT_MS = 5_000;

let h: PsaHarness;
let cw: CwSim;
let tenant: { tenantId: string; apiKey: string };
let defaultDeadline: number;

beforeAll(async () => {
  h = installPsaHarness();
  cw = h.connectWise(CW_ORIGIN);
  addAlphaDental(cw);
  tenant = await createTenant("Key fetch MSP");
  await postAs(tenant.apiKey, "/api/v1/psa/connectwise", cwConnectBody());
  await h.drain();
  defaultDeadline = setKeyFetchTimeout(TEST_DEADLINE_MS);
});
afterAll(() => {
  setKeyFetchTimeout(defaultDeadline);
  vi.restoreAllMocks();
});
beforeEach(() => {
  h.queued.length = 0;
  h.outbound.length = 0;
  // A key URL this isolate has not cached, so every test's delivery fetches the key.
  const callback = [...cw.state.callbacks.values()][0];
  if (callback) callback.keyId = crypto.randomUUID();
});
afterEach(() => {
  h.route(new URL(CW_ORIGIN).host, cw.fetch);
});

/** The key endpoint answers with `keyAnswer`; the rest of the simulated ConnectWise is untouched. */
function breakKeyEndpoint(keyAnswer: (req: Request) => Promise<Response> | Response) {
  h.route(new URL(CW_ORIGIN).host, (req) => (new URL(req.url).pathname.includes("/system/callbackkey/") ? keyAnswer(req) : cw.fetch(req)));
}

/** Changes the addition in the simulator, which signs and delivers the callback; returns its status, time to answer and body. */
async function deliverCallback(quantity: number) {
  const started = Date.now();
  const res = await cw.fetch(new Request(`${CW_ORIGIN}/_sim/agreements/10/additions/100`, { method: "POST", body: JSON.stringify({ quantity }) }));
  const elapsed = Date.now() - started;
  const [delivery] = ((await res.json()) as { deliveries: Array<{ status: number; messageId: string }> }).deliveries;
  const sent = cw.state.deliveries.at(-1);
  return { status: delivery?.status, messageId: delivery?.messageId ?? "", body: sent?.body, signature: sent?.headers["x-content-signature"], elapsed };
}

/** The inbox row kept for a delivery, with the raw payload and signature the cron's replay verifies later. */
const keptRow = (messageId: string) =>
  sql<{ state: string; payload: string; signature: string; error: string }>("SELECT state, payload, signature, error FROM psa_webhook_inbox WHERE dedupe_key = ?", `cw:${messageId}`);

/** Never settles on its own; rejects like fetch() does when the request's signal aborts. */
function neverAnswers(req: Request): Promise<Response> {
  return new Promise((_, reject) => req.signal.addEventListener("abort", () => reject(req.signal.reason), { once: true }));
}

/** A 1 MiB body in 16 KiB chunks, pulled on demand, recording how much was pulled and whether it was cancelled. */
function hugeKeyBody(headers: Record<string, string> = {}) {
  const seen = { pulled: 0, cancelled: false };
  const chunk = new Uint8Array(16 * 1024).fill(0x20);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (seen.pulled >= 1024 * 1024) return controller.close();
      seen.pulled += chunk.byteLength;
      controller.enqueue(chunk.slice());
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { seen, response: () => new Response(body, { headers: { "content-type": "application/json", ...headers } }) };
}

describe("key fetch deadline and size cap (row 4)", () => {
  it("the production deadline leaves time to answer within ConnectWise's 5 s", () => {
    expect(defaultDeadline).toBe(KEY_FETCH_TIMEOUT_MS);
    expect(KEY_FETCH_TIMEOUT_MS).toBeLessThan(CW_CALLBACK_TIMEOUT_MS);
  });

  it("a key endpoint that never answers: 429 at the deadline (ConnectWise retries 429), payload kept unverified", async () => {
    breakKeyEndpoint(neverAnswers);
    const d = await deliverCallback(51);
    expect(d.status).toBe(429);
    expect(d.elapsed).toBeGreaterThanOrEqual(TEST_DEADLINE_MS - 50);
    expect(d.elapsed).toBeLessThan(CW_CALLBACK_TIMEOUT_MS);
    expect(await keptRow(d.messageId)).toEqual([{ state: "unverified", payload: d.body, signature: d.signature, error: expect.stringContaining("key fetch failed") }]);
    expect(h.queued).toEqual([]);
  });

  it("a key endpoint that sends its headers and then stalls the body: 429 at the deadline, payload kept", async () => {
    let cancelled = false;
    breakKeyEndpoint(() => new Response(new ReadableStream({ pull: () => new Promise(() => undefined), cancel: () => void (cancelled = true) }), { headers: { "content-type": "application/json" } }));
    const d = await deliverCallback(52);
    expect(d.status).toBe(429);
    expect(d.elapsed).toBeLessThan(CW_CALLBACK_TIMEOUT_MS);
    expect(cancelled).toBe(true);
    expect(await keptRow(d.messageId)).toEqual([{ state: "unverified", payload: d.body, signature: d.signature, error: expect.stringContaining("key response body not read") }]);
  });

  it("a streamed key body over 64 KiB is refused after reading at most 64 KiB and one chunk, the rest never pulled: 429, payload kept", async () => {
    const huge = hugeKeyBody();
    breakKeyEndpoint(huge.response);
    const d = await deliverCallback(53);
    expect(d.status).toBe(429);
    expect(huge.seen.pulled).toBeLessThanOrEqual(64 * 1024 + 2 * 16 * 1024);
    expect(huge.seen.cancelled).toBe(true);
    expect(await keptRow(d.messageId)).toEqual([{ state: "unverified", payload: d.body, signature: d.signature, error: "key response too large" }]);
  });

  it("a key body declaring more than 64 KiB is refused unread: 429, payload kept", async () => {
    const huge = hugeKeyBody({ "content-length": String(1024 * 1024) });
    breakKeyEndpoint(huge.response);
    const d = await deliverCallback(54);
    expect(d.status).toBe(429);
    expect(huge.seen.pulled).toBeLessThanOrEqual(16 * 1024);
    expect(await keptRow(d.messageId)).toEqual([{ state: "unverified", payload: d.body, signature: d.signature, error: "key response too large" }]);
  });
});

describe("key endpoint broken (row 5)", () => {
  it.each([
    ["{}", () => Response.json({})],
    ['""', () => Response.json("")],
    ["an empty body", () => new Response("", { headers: { "content-type": "application/json" } })],
    ["123", () => Response.json(123)],
    ['{"signing_key": ""}', () => Response.json({ signing_key: "" })],
    ['{"signing_key": 123}', () => Response.json({ signing_key: 123 })],
    ["HTML instead of JSON", () => new Response("<html>maintenance</html>", { headers: { "content-type": "text/html" } })],
    ["HTTP 500", () => Response.json({ signing_key: "k" }, { status: 500 })],
    ["no answer (timeout)", neverAnswers],
  ])("key fetch returning %s: the callback is answered 429, not 500, and its raw payload kept for replay", async (_label, keyAnswer) => {
    breakKeyEndpoint(keyAnswer);
    const d = await deliverCallback(60);
    expect(d.status).toBe(429);
    expect(d.elapsed).toBeLessThan(CW_CALLBACK_TIMEOUT_MS);
    const [row] = await keptRow(d.messageId);
    expect(row).toMatchObject({ state: "unverified", payload: d.body, signature: d.signature });
    expect(h.queued).toEqual([]);
  });

  it("a kept delivery is verified and applied once the key endpoint is back (ConnectWise's retry)", async () => {
    breakKeyEndpoint(() => Response.json({}));
    const d = await deliverCallback(61);
    expect(d.status).toBe(429);
    h.route(new URL(CW_ORIGIN).host, cw.fetch);
    const index = cw.state.deliveries.length - 1;
    const retried = (await (await cw.fetch(new Request(`${CW_ORIGIN}/_sim/deliveries/${index}/resend`, { method: "POST" }))).json()) as { status: number };
    expect(retried.status).toBe(200);
    expect((await keptRow(d.messageId))[0]?.state).toBe("received");
    await h.drain();
    expect(await sql("SELECT quantity FROM agreement_lines WHERE tenant_id = ? AND psa_id = '100'", tenant.tenantId)).toEqual([{ quantity: "61" }]);
  });
});
