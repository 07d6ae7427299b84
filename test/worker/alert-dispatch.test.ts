/**
 * A big push can raise hundreds of alerts at once. The write that raised them
 * queues the first chunk; the rest drains through `alert.dispatch` jobs, so
 * a later, unrelated write (a technician's decision) finds nothing of it to
 * claim, and the cron's one chunk per tick is not the only way out.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { handleAlertJob } from "../../src/jobs/alerts.ts";
import type { JobMessage } from "../../src/jobs/messages.ts";
import { ALERT_DISPATCH_JOB, ALERT_JOB, DISPATCH_CHUNK } from "../../src/services/workspace/alert-delivery.ts";
import { call, createTenant, withKey } from "./helpers/http.ts";

let t: { tenantId: string; apiKey: string };
const BACKLOG = DISPATCH_CHUNK * 2 + 20;

const settings = {
  rules: { countJumpFactor: 5, countDropToZero: true, staleDays: 7, syncFailedHours: 24, writebackFailed: true },
  email: { recipients: [] },
  webhook: { url: "https://hooks.receiver.test/trueup" },
};

/** A write of the tenant's (any successful non-GET runs the after-write dispatch). */
async function write(): Promise<void> {
  const res = await call("/api/v1/alert-settings", withKey(t.apiKey, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(settings) }));
  expect(res.status).toBe(200);
}

let sent: JobMessage[] = [];
beforeEach(() => {
  sent = [];
  // Captured, not run by the background consumer: the test runs each job itself.
  vi.spyOn(env.JOBS, "sendBatch").mockImplementation(async (batch) => {
    for (const m of batch) sent.push(m.body as JobMessage);
    return undefined as never;
  });
});
afterEach(() => vi.restoreAllMocks());

beforeAll(async () => {
  t = await createTenant("Backlog MSP");
});

describe("alert dispatch after a write", () => {
  it("queues one chunk inline and drains the rest through alert.dispatch jobs, each alert once", async () => {
    await write();
    const insert = env.DB.prepare(
      `INSERT INTO alerts (id, tenant_id, at, rule, severity, title, detail, dedupe_key, email_state, webhook_state)
       VALUES (?1, ?2, '2026-11-30T08:00:00.000Z', 'count-jump', 'warning', 'Count jumped', 'x', ?1, 'pending', 'pending')`,
    );
    await env.DB.batch(Array.from({ length: BACKLOG }, (_, i) => insert.bind(`alr_backlog_${String(i).padStart(3, "0")}`, t.tenantId)));

    await write();
    const deliveries = () => sent.filter((m) => m.kind === ALERT_JOB).map((m) => m.alertId as string);
    const drains = () => sent.filter((m) => m.kind === ALERT_DISPATCH_JOB);
    expect(deliveries()).toHaveLength(DISPATCH_CHUNK);
    expect(drains()).toHaveLength(1);

    // Each drain job queues the next chunk and hands on while a full chunk was claimed.
    for (let done = 0; drains().length > done; done++) {
      const job = drains()[done] as JobMessage;
      expect(await handleAlertJob(job, env)).toEqual({ ok: true });
    }
    // 50 inline (full: hand on), the first job 50 (full: hand on), the second 20 (the end).
    expect(drains()).toHaveLength(2);
    expect(new Set(deliveries()).size).toBe(BACKLOG);
    expect(deliveries()).toHaveLength(BACKLOG);

    // The next unrelated write finds no backlog to claim.
    sent = [];
    await write();
    expect(sent).toEqual([]);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM alerts WHERE tenant_id = ?1 AND dispatched_at IS NULL").bind(t.tenantId).first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});
