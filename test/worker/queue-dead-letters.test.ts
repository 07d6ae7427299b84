/**
 * The dead-letter queue's consumer (reliability matrix row 25): what
 * exhausted max_retries on the JOBS queue arrives on trueup-jobs-dlq
 * (wrangler.toml) and must be kept — body and reason — never deleted, acked,
 * alerted, and recorded once however often the DLQ redelivers it.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index.ts";
import { DLQ_NAME } from "../../src/jobs/index.ts";
import type { JobMessage } from "../../src/jobs/messages.ts";
import { sql } from "../fixtures/psa/harness.ts";
import { createTenant } from "./helpers/http.ts";

/** wrangler.toml: the JOBS consumer's max_retries; the runtime gives up after the first try and these retries. */
const MAX_RETRIES = 6;

let tenantId: string;

beforeAll(async () => {
  ({ tenantId } = await createTenant("Dead letter MSP"));
});

interface DeadRow {
  tenant_id: string;
  kind: string;
  job_id: string;
  payload: string;
  attempts: number;
  error: string;
}

const deadLetters = () => sql<DeadRow>("SELECT tenant_id, kind, job_id, payload, attempts, error FROM dead_letters ORDER BY kind, job_id");
const alerts = () => sql<{ rule: string; severity: string; title: string; detail: string }>("SELECT rule, severity, title, detail FROM alerts WHERE tenant_id = ? ORDER BY title", tenantId);

/** Delivers `bodies` to the Worker's queue handler as the runtime does on the dead-letter queue. */
async function deliverToDlq(bodies: unknown[], ids = bodies.map((_, i) => `dlq-${i}`)) {
  const batch = createMessageBatch<JobMessage>(
    DLQ_NAME,
    bodies.map((body, i) => ({ id: ids[i] ?? `dlq-${i}`, timestamp: new Date(), attempts: MAX_RETRIES + 1, body: body as JobMessage })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

describe("dead-letter queue consumer", () => {
  const sync1 = () => ({ kind: "psa.sync", id: "syn_dead_1", tenantId, integrationId: "psa_gone", runId: "syn_dead_1" });
  const sync2 = () => ({ kind: "psa.sync", id: "syn_dead_2", tenantId, integrationId: "psa_gone", runId: "syn_dead_2" });
  const pull = () => ({ kind: "ingest.pull", id: "pull_dead_1", tenantId, integrationId: "vi_gone" });
  const noIdNoTenant = { kind: "psa.writeback" };

  it("records each message after max_retries with its body and reason, acks it, and raises one critical alert per kind", async () => {
    const bodies = [sync1(), pull(), sync2(), noIdNoTenant, null];
    const result = await deliverToDlq(bodies);
    expect(result.explicitAcks.sort()).toEqual(["dlq-0", "dlq-1", "dlq-2", "dlq-3", "dlq-4"]);
    expect(result.retryMessages).toEqual([]);
    const reason = "exhausted max_retries on the jobs queue";
    const attempts = MAX_RETRIES + 1;
    expect(await deadLetters()).toEqual([
      { tenant_id: tenantId, kind: "ingest.pull", job_id: "pull_dead_1", payload: JSON.stringify(pull()), attempts, error: reason },
      // Not even an object: kept under the queue's message id, in the home database.
      { tenant_id: "unknown", kind: "malformed", job_id: "queue-message:dlq-4", payload: "null", attempts, error: reason },
      { tenant_id: tenantId, kind: "psa.sync", job_id: "syn_dead_1", payload: JSON.stringify(sync1()), attempts, error: reason },
      { tenant_id: tenantId, kind: "psa.sync", job_id: "syn_dead_2", payload: JSON.stringify(sync2()), attempts, error: reason },
      { tenant_id: "unknown", kind: "psa.writeback", job_id: "queue-message:dlq-3", payload: JSON.stringify(noIdNoTenant), attempts, error: reason },
    ]);
    // One alert per tenant, kind and day: two psa.sync dead letters raise one.
    expect(await alerts()).toEqual([
      { rule: "job-dead-lettered", severity: "critical", title: "Background job failed for good: ingest.pull", detail: expect.stringContaining("Job pull_dead_1 (ingest.pull) was given up after 7 attempts") },
      { rule: "job-dead-lettered", severity: "critical", title: "Background job failed for good: psa.sync", detail: expect.stringContaining("Job syn_dead_1 (psa.sync)") },
    ]);
  });

  it("a redelivered dead letter (the DLQ delivers at least once) is acked and not recorded or alerted twice", async () => {
    const before = { letters: await deadLetters(), alerts: await alerts() };
    const result = await deliverToDlq([sync1(), null], ["dlq-0", "dlq-4"]);
    expect(result.explicitAcks.sort()).toEqual(["dlq-0", "dlq-4"]);
    expect(await deadLetters()).toEqual(before.letters);
    expect(await alerts()).toEqual(before.alerts);
  });
});
