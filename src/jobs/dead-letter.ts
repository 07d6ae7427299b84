/** Dead letters are kept in D1 (with the payload) for inspection and replay. */
import type { Db } from "../db/client.ts";
import { deadLetters } from "../db/schema.ts";
import { newId } from "../services/secrets.ts";
import type { JobMessage } from "./messages.ts";

export async function recordDeadLetter(db: Db, message: JobMessage, attempts: number, error?: string): Promise<void> {
  await db
    .insert(deadLetters)
    .values({
      id: newId("dl"),
      tenantId: typeof message.tenantId === "string" ? message.tenantId : "unknown",
      kind: String(message.kind),
      jobId: String(message.id),
      payload: JSON.stringify(message),
      attempts,
      error: error ?? "exhausted retries",
      at: new Date().toISOString(),
    })
    .onConflictDoNothing();
}
