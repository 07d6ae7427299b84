/** Background jobs of the usage-ingestion surface (`ingest.*`). */
import type { Env } from "../env.ts";
import type { JobOutcome } from "./index.ts";
import type { JobMessage } from "./messages.ts";

export async function handleIngestJob(message: JobMessage, _env: Env): Promise<JobOutcome> {
  return { ok: false, retryable: false, error: `unknown ingest job ${message.kind}` };
}
