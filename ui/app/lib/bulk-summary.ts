/** A bulk run's per-row states and the one-line summary of what the PSA accepted. */

export interface RowProgress {
  state: "queued" | "sending" | "pending" | "applied" | "failed" | "dismissed";
  message?: string;
}

/** "8 of 10 changes accepted by the PSA; 2 failed." */
export function summarize(progress: ReadonlyMap<string, RowProgress>, keys: readonly string[]): string {
  let applied = 0;
  let failed = 0;
  let dismissed = 0;
  let open = 0;
  for (const k of keys) {
    const s = progress.get(k)?.state;
    if (s === "applied") applied++;
    else if (s === "failed") failed++;
    else if (s === "dismissed") dismissed++;
    else open++;
  }
  if (dismissed > 0) return `${dismissed} of ${keys.length} row${keys.length === 1 ? "" : "s"} dismissed${failed ? `; ${failed} failed` : ""}.`;
  const parts = [`The PSA accepted ${applied} of ${keys.length} change${keys.length === 1 ? "" : "s"}`];
  if (failed) parts.push(`${failed} failed (see the rows)`);
  if (open) parts.push(`${open} still being written`);
  return `${parts.join("; ")}.`;
}
