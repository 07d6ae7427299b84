/** Scheduled work of the PSA surface (incremental and full syncs). */
import type { Env } from "../env.ts";

export async function runPsaCron(_cron: string, _now: Date, _env: Env): Promise<void> {}
