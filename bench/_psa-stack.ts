/**
 * In-process stack for the PSA benchmarks (not a bench itself: `_` files
 * are skipped by scripts/bench.ts). The Worker's own fetch and queue
 * handlers run in this Node process against a real local D1 (wrangler's
 * getPlatformProxy, migrations applied); the PSA simulators run in-process
 * and the Worker's outbound fetch is routed to them by host. The JOBS queue
 * is a faithful stand-in for Cloudflare Queues' delivery rules: at least
 * once, per-message ack/retry, `delaySeconds`, max_retries 6 from
 * wrangler.toml, then the dead-letter queue's consumer. Delays run on a
 * virtual clock (a delayed message is only ordered after the due ones), so
 * a 30 s Retry-After costs no wall time; PSA pacing runs in real time.
 * `options.stall` simulates a stalled consumer: a batch it picks is held for
 * its seconds and then redelivered (attempts + 1), its work either not begun
 * or done without the acks reaching the queue.
 */
import { timingSafeEqual } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { registerHooks } from "node:module";
import path from "node:path";
import { getPlatformProxy } from "wrangler";
import { ROOT, runWrangler } from "../scripts/wrangler.ts";

/** The Worker as this process calls it (imported at run time: its Workers types stay out of the Node typecheck). */
interface WorkerEntry {
  fetch(request: Request, env: unknown, ctx: unknown): Promise<Response>;
  queue(batch: unknown, env: unknown): Promise<void>;
}
// Workers' crypto.subtle.timingSafeEqual, which Node lacks (the Worker compares secrets with it).
const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView) => boolean };
const bytesOf = (v: ArrayBuffer | ArrayBufferView) => (ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v));
subtle.timingSafeEqual ??= (a, b) => timingSafeEqual(bytesOf(a), bytesOf(b));
const ENTRY = "../src/index.ts";
/**
 * src/index.ts checks `env` from `cloudflare:workers` at module scope (a Worker with a bad
 * secret must not start); Node has no such module, so it resolves to the stack's env, set
 * before the Worker is first imported.
 */
registerHooks({
  resolve: (specifier, context, next) =>
    specifier === "cloudflare:workers" ? { url: "data:text/javascript,export const env = globalThis.__trueupBenchEnv;", shortCircuit: true } : next(specifier, context),
});
async function loadWorker(env: object): Promise<WorkerEntry> {
  (globalThis as { __trueupBenchEnv?: object }).__trueupBenchEnv ??= env;
  return ((await import(ENTRY)) as { default: WorkerEntry }).default;
}
/** wrangler.toml's dead-letter queue (src/jobs/index.ts DLQ_NAME). */
const DLQ_NAME = "trueup-jobs-dlq";

export interface JobMessage {
  kind: string;
  id: string;
  tenantId: string;
  [field: string]: unknown;
}

interface D1Like {
  prepare(query: string): { bind(...values: unknown[]): { all<T>(): Promise<{ results: T[] }> } };
}

export const WORKER = "http://trueup.bench";
export const OPERATOR_TOKEN = "bench-operator-token-0123456789";
const MAX_RETRIES = 6;
/** wrangler.toml: the JOBS consumer's max_concurrency. */
const CONSUMERS = 3;

interface Pending {
  body: JobMessage;
  attempts: number;
  due: number;
  seq: number;
}

type Handler = (req: Request) => Response | Promise<Response>;

/** A stalled consumer invocation: how long its batch is held, and whether its work ran before the acks were lost. */
export interface Stall {
  seconds: number;
  workDone: boolean;
}

export interface StackOptions {
  /** Called for every batch: a Stall to hold it, or null to deliver it normally. */
  stall?: () => Stall | null;
}

export async function startPsaStack(name: string, options: StackOptions = {}) {
  const persist = path.join(ROOT, ".wrangler", `${name}-state`);
  rmSync(persist, { recursive: true, force: true });
  mkdirSync(persist, { recursive: true });
  runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist]);
  const proxy = await getPlatformProxy<{ DB: D1Like }>({ configPath: path.join(ROOT, "wrangler.toml"), persist: { path: path.join(persist, "v3") }, remoteBindings: false, envFiles: [] });
  let clock = 0;
  let seq = 0;
  const pending: Pending[] = [];
  const sent = { messages: 0 };
  const enqueue = (body: JobMessage, delaySeconds = 0, attempts = 1) => {
    pending.push({ body, attempts, due: clock + delaySeconds, seq: seq++ });
    sent.messages += 1;
  };
  const queue = {
    send: async (body: JobMessage, options?: { delaySeconds?: number }) => enqueue(body, options?.delaySeconds ?? 0),
    sendBatch: async (messages: Iterable<{ body: JobMessage; delaySeconds?: number }>) => {
      for (const m of messages) enqueue(m.body, m.delaySeconds ?? 0);
    },
  };
  const env = {
    DB: proxy.env.DB,
    JOBS: queue,
    ASSETS: { fetch: async () => new Response("not found", { status: 404 }) },
    OPERATOR_TOKEN,
    ENCRYPTION_KEY: "YmVuY2gtb25seS1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=",
    TRUEUP_ENV: "test",
    ALLOW_INSECURE_ORIGINS: "true",
  };
  const worker = await loadWorker(env);
  const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as never;
  const call = (pathOrUrl: string, init: RequestInit = {}) => worker.fetch(new Request(pathOrUrl.startsWith("http") ? pathOrUrl : `${WORKER}${pathOrUrl}`, init), env, ctx);

  const routes = new Map<string, Handler>();
  const original = globalThis.fetch;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const handler = routes.get(new URL(req.url).host);
    return handler ? handler(req) : original(input, init);
  }) as typeof fetch;

  const deadLettered: JobMessage[] = [];
  const stalls = { batches: 0, messages: 0, workDone: 0 };
  /** One consumer invocation: a batch of up to 10 due messages, acked or retried one by one. */
  async function deliverBatch(batch: Pending[]): Promise<void> {
    const outcomes = new Map<Pending, { retry?: number }>();
    const messages = batch.map((p) => ({ id: String(p.seq), timestamp: new Date(), body: p.body, attempts: p.attempts, ack: () => outcomes.set(p, {}), retry: (o?: { delaySeconds?: number }) => outcomes.set(p, { retry: o?.delaySeconds ?? 0 }) }));
    const stall = options.stall?.() ?? null;
    if (stall) {
      stalls.batches += 1;
      stalls.messages += batch.length;
      // Acks of a lost invocation never reach the queue: every message comes back after the stall.
      if (stall.workDone) {
        stalls.workDone += 1;
        await worker.queue({ queue: "trueup-jobs", messages }, env);
      }
      for (const p of batch) pending.push({ ...p, attempts: p.attempts + 1, due: clock + stall.seconds, seq: seq++ });
      return;
    }
    await worker.queue({ queue: "trueup-jobs", messages }, env);
    for (const p of batch) {
      const outcome = outcomes.get(p);
      if (outcome?.retry === undefined) continue;
      if (p.attempts > MAX_RETRIES) {
        deadLettered.push(p.body);
        await worker.queue({ queue: DLQ_NAME, messages: [{ id: `dl${p.seq}`, timestamp: new Date(), body: p.body, attempts: p.attempts, ack: () => {}, retry: () => {} }] }, env);
      } else {
        pending.push({ ...p, attempts: p.attempts + 1, due: clock + outcome.retry, seq: seq++ });
      }
    }
  }

  /**
   * Delivers due messages until none are left (or about `limit` deliveries):
   * up to CONSUMERS batches of 10 at once, as max_concurrency allows.
   */
  async function drain(limit = Number.POSITIVE_INFINITY, until = Number.POSITIVE_INFINITY): Promise<number> {
    let delivered = 0;
    while (pending.length > 0 && delivered < limit) {
      pending.sort((a, b) => a.due - b.due || a.seq - b.seq);
      if ((pending[0]?.due ?? clock) > until) break;
      clock = Math.max(clock, pending[0]?.due ?? clock);
      const due = pending.filter((p) => p.due <= clock).length;
      const batches: Pending[][] = [];
      for (let i = 0; i < CONSUMERS && due > i * 10; i++) batches.push(pending.splice(0, Math.min(10, due - i * 10)));
      delivered += batches.reduce((n, b) => n + b.length, 0);
      await Promise.all(batches.map(deliverBatch));
    }
    return delivered;
  }

  /** Delivers every message due by virtual second `t` (and what they enqueue that is also due), then sets the clock to `t`. */
  async function runUntil(t: number): Promise<number> {
    const delivered = await drain(Number.POSITIVE_INFINITY, t);
    clock = Math.max(clock, t);
    return delivered;
  }

  async function sql<T>(query: string, ...params: unknown[]): Promise<T[]> {
    return (await proxy.env.DB.prepare(query).bind(...params).all<T>()).results;
  }

  async function createTenant(tenantName: string): Promise<{ tenantId: string; apiKey: string }> {
    const res = await call("/api/admin/tenants", { method: "POST", headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ name: tenantName }) });
    if (res.status !== 201) throw new Error(`createTenant: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ tenantId: string; apiKey: string }>;
  }

  return {
    env,
    call,
    sql,
    createTenant,
    route: (host: string, handler: Handler) => routes.set(host, handler),
    /** Delivers a signed callback/webhook from a simulator to the Worker. */
    deliver: (url: string, init: RequestInit) => call(url, init),
    drain,
    runUntil,
    /** The queue's virtual clock, in seconds. */
    now: () => clock,
    pending,
    deadLettered,
    stalls,
    sent,
    async stop() {
      globalThis.fetch = original;
      await proxy.dispose();
    },
  };
}

export function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] ?? 0) - (sorted[j] ?? 0) >= windowMs) j++;
    worst = Math.max(worst, i - j + 1);
  }
  return worst;
}
