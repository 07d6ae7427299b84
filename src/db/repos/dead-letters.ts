/**
 * Dead letters: queue messages that failed for good (a permanent failure, or
 * max_retries exhausted and delivered by the dead-letter queue), kept with
 * their payload for inspection and replay — never deleted. One row per job
 * (UNIQUE kind + job_id), so a redelivered dead letter is not recorded
 * twice. The row and its alert are written in one batch: the alert only when
 * this call created the row, and at most one per tenant, kind and UTC day
 * (UNIQUE tenant + dedupe_key), so a poison burst raises one alert, not
 * hundreds; the health view counts them all.
 */
import type { Db } from "../client.ts";

export interface DeadLetter {
  id: string;
  tenantId: string;
  kind: string;
  jobId: string;
  payload: string;
  attempts: number;
  error: string;
  at: string;
}

const INSERT_LETTER = `INSERT INTO dead_letters (id, tenant_id, kind, job_id, payload, attempts, error, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
  ON CONFLICT DO NOTHING RETURNING id`;

// Only for a tenant of this database (alerts reference tenants), and only if the row above is ours (?1 is a fresh id).
const RAISE_ALERT = `INSERT OR IGNORE INTO alerts (id, tenant_id, at, rule, severity, title, detail, integration_id, account_id, dedupe_key, email_state, webhook_state)
  SELECT 'alr_' || lower(hex(randomblob(10))), t.id, ?8, 'job-dead-lettered', 'critical',
    'Background job failed for good: ' || ?3,
    'Job ' || ?4 || ' (' || ?3 || ') was given up after ' || CAST(?6 AS INTEGER) || ' attempts: ' || ?7 || '. It is kept with its payload in the dead letters for inspection and replay.',
    NULL, NULL, 'dead-letter:' || ?3 || ':' || substr(?8, 1, 10), 'pending', 'pending'
  FROM tenants AS t
  WHERE t.id = ?2 AND EXISTS (SELECT 1 FROM dead_letters WHERE id = ?1)`;

/** Records the dead letter and its alert in one batch; returns whether it was new (false: this job was already dead-lettered). */
export async function recordDeadLetterRow(db: Db, letter: DeadLetter): Promise<boolean> {
  const d1 = db.$client as D1Database;
  const values = [letter.id, letter.tenantId, letter.kind, letter.jobId, letter.payload, letter.attempts, letter.error, letter.at];
  const [inserted] = await d1.batch([d1.prepare(INSERT_LETTER).bind(...values), d1.prepare(RAISE_ALERT).bind(...values)]);
  return (inserted?.results.length ?? 0) > 0;
}
