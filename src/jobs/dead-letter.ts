/**
 * Dead letters are kept in D1 (with the payload) for inspection and replay,
 * and raise an alert (db/repos/dead-letters.ts). A poison message may not be
 * a well-formed JobMessage at all — no kind, no id, not even an object — so
 * it is described from whatever arrived; without its own id it is keyed by
 * the queue's message id, which a redelivery keeps.
 */
import type { Db } from "../db/client.ts";
import { recordDeadLetterRow } from "../db/repos/dead-letters.ts";
import { newId } from "../services/secrets.ts";

export interface DeadMessage {
  body: unknown;
  attempts: number;
  /** The queue's id of this message (Message.id), stable across redeliveries. */
  queueMessageId: string;
}

const field = (body: unknown, name: string): string | null => {
  const value = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === "string" && value.length > 0 ? value : null;
};

/** The tenant a dead letter belongs to: its message's, if it names one. */
export function deadLetterTenant(body: unknown): string | null {
  return field(body, "tenantId");
}

export async function recordDeadLetter(db: Db, message: DeadMessage, error = "exhausted retries", now = new Date()): Promise<boolean> {
  return recordDeadLetterRow(db, {
    id: newId("dl"),
    tenantId: deadLetterTenant(message.body) ?? "unknown",
    kind: field(message.body, "kind") ?? "malformed",
    jobId: field(message.body, "id") ?? `queue-message:${message.queueMessageId}`,
    payload: JSON.stringify(message.body) ?? "undefined",
    attempts: message.attempts,
    error,
    at: now.toISOString(),
  });
}
