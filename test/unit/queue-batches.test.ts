/**
 * Fan-out under Queues' sendBatch limits (at most 100 messages and 256 KB per
 * call — Cloudflare Queues limits, reliability-and-security.md §3): every body
 * is sent once, in order, and no call goes over either limit.
 */
import { describe, expect, it } from "vitest";
import { type BatchQueue, sendInBatches } from "../../src/services/queue-batches.ts";

function fakeQueue() {
  const calls: Array<Array<{ body: unknown }>> = [];
  const queue: BatchQueue<unknown> = { sendBatch: async (batch) => void calls.push([...batch]) };
  return { queue, calls };
}

describe("sendInBatches", () => {
  it("250 small messages go out as 100 + 100 + 50, in order", async () => {
    const { queue, calls } = fakeQueue();
    const bodies = Array.from({ length: 250 }, (_, i) => ({ id: i }));
    await sendInBatches(queue, bodies);
    expect(calls.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(calls.flat().map((m) => m.body)).toEqual(bodies);
  });

  it("60 KB messages go at most three to a call (under 256 KB with room for metadata)", async () => {
    const { queue, calls } = fakeQueue();
    const bodies = Array.from({ length: 7 }, (_, i) => ({ id: i, records: "x".repeat(60_000) }));
    await sendInBatches(queue, bodies);
    expect(calls.map((c) => c.length)).toEqual([3, 3, 1]);
    for (const call of calls) expect(JSON.stringify(call.map((m) => m.body)).length).toBeLessThan(256 * 1024);
  });

  it("nothing to send makes no call", async () => {
    const { queue, calls } = fakeQueue();
    await sendInBatches(queue, []);
    expect(calls).toEqual([]);
  });
});
