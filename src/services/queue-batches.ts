/**
 * Sending many queue messages: Queues' `sendBatch` takes at most 100 messages
 * and 256 KB per call (reliability-and-security.md §3, Cloudflare Queues
 * limits), so a list is sent in consecutive batches under both — with room for
 * the per-message metadata (about 100 B each). The one way every surface fans
 * out work (PSA sync chunks and maintenance, nightly ingest, alert delivery).
 */
const MAX_BATCH_MESSAGES = 100;
const MAX_BATCH_BYTES = 200_000;

/** The part of a Queue binding this needs (so it is testable without the Workers runtime). */
export interface BatchQueue<T> {
  sendBatch(messages: Iterable<{ body: T }>): Promise<unknown>;
}

export async function sendInBatches<T>(queue: BatchQueue<T>, bodies: readonly T[]): Promise<void> {
  let batch: Array<{ body: T }> = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = JSON.stringify(body).length;
    if (batch.length > 0 && (batch.length >= MAX_BATCH_MESSAGES || bytes + size > MAX_BATCH_BYTES)) {
      await queue.sendBatch(batch);
      batch = [];
      bytes = 0;
    }
    batch.push({ body });
    bytes += size;
  }
  if (batch.length > 0) await queue.sendBatch(batch);
}
