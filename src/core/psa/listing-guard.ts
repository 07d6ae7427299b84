/**
 * When a full sync may conclude that agreements are gone. A listing counts as
 * complete only when every page was read (no paging link to another host —
 * that is an error, never a silent stop) and the number of records read
 * equals the PSA's own count for the same query (ConnectWise
 * `GET …/count` → `{"count":n}`; Autotask `POST /{Entity}/query/count` →
 * `{"queryCount":n}`). Even then one run cancels at most
 * MAX_CANCEL_SHARE of the known active agreements (never fewer than
 * MIN_CANCEL_ALLOWANCE, so a small book can still lose one or two): more
 * than that is far likelier a PSA or paging fault than an MSP losing a tenth
 * of its customers overnight, so the run cancels nothing and raises an alert
 * (the run's `error` and the integration's `last_sync_error`) for a person
 * to look at. Pure.
 */

export const MAX_CANCEL_SHARE = 0.1;
export const MIN_CANCEL_ALLOWANCE = 2;

export class IncompleteListingError extends Error {
  override readonly name = "IncompleteListingError";
}

/** How many known active agreements one run may cancel. */
export function cancellationAllowance(knownActive: number): number {
  return Math.max(MIN_CANCEL_ALLOWANCE, Math.floor(knownActive * MAX_CANCEL_SHARE));
}

/** Throws unless the records read match the PSA's count for the same query. */
export function assertListingComplete(psa: string, entity: string, read: number, counted: number): void {
  if (read !== counted) {
    throw new IncompleteListingError(`${psa} listing incomplete: read ${read} ${entity} but the PSA counts ${counted}; nothing was cancelled`);
  }
}

/** The alert when a run would cancel more than its allowance, or null when it may go ahead. */
export function massCancelAlert(psa: string, gone: number, knownActive: number): string | null {
  const allowance = cancellationAllowance(knownActive);
  if (gone <= allowance) return null;
  return `${psa} no longer lists ${gone} of ${knownActive} active agreements (more than ${Math.round(MAX_CANCEL_SHARE * 100)}% in one run); nothing was cancelled — check the PSA, then cancel them there or run a full sync again`;
}

/** A paging link must stay on the host we were talking to. */
export function assertSameOrigin(psa: string, next: string, requestUrl: string): string {
  let url: URL;
  try {
    url = new URL(next, requestUrl);
  } catch {
    throw new IncompleteListingError(`${psa} returned an unusable paging link; listing refused`);
  }
  if (url.origin !== new URL(requestUrl).origin) throw new IncompleteListingError(`${psa} paging link points to another host (${url.host}); listing refused`);
  return url.toString();
}
