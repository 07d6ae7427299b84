/** Background jobs of the PSA sync and write-back surface (`psa.*`). */
import type { Env } from "../env.ts";
import type { JobOutcome } from "./index.ts";
import type { JobMessage } from "./messages.ts";

export async function handlePsaJob(message: JobMessage, _env: Env): Promise<JobOutcome> {
  return { ok: false, retryable: false, error: `unknown psa job ${message.kind}` };
}
