/**
 * Messages on the JOBS queue. Every message has a `kind` whose prefix names
 * the surface that owns it (`ingest.*`, `psa.*`) and an `id` that consumers
 * use as their idempotency key (Queues deliver at least once).
 */
export interface JobMessage {
  kind: string;
  /** Unique per logical job; redelivery carries the same id. */
  id: string;
  tenantId: string;
  [field: string]: unknown;
}

/** What a surface's handler tells the consumer: ack, retry with backoff, or dead-letter. */
export type JobOutcome = { ok: true } | { ok: false; retryable: boolean; error: string };
