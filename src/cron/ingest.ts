/** Scheduled work of the usage-ingestion surface (vendor pulls). */
import type { Env } from "../env.ts";

export async function runIngestCron(_cron: string, _now: Date, _env: Env): Promise<void> {}
