/**
 * A failed write-back in plain words with what to do, keeping the PSA's own
 * message once. Pure. The statuses are the PSAs' documented ones:
 * - ConnectWise REST (developer.connectwise.com, "Error handling"): 401 bad
 *   or expired API member keys / missing clientId; 403 the API member's
 *   security role lacks the permission (Finance › Agreements: Edit); 404 the
 *   record does not exist; 400 a field failed validation (`errors[].field`);
 *   429 throttled; 5xx server errors.
 * - Autotask REST (ww*.autotask.net help, "REST API calls" / "Error codes"):
 *   401 the API user's credentials or ApiIntegrationCode; 403 the API user's
 *   security level cannot edit contracts; 404 not found; 500 with `errors[]`
 *   also carries business-rule refusals; 429 thread/request limits.
 */
import { psaWords } from "./writeback-plan.ts";

export type PsaName = "connectwise" | "autotask";

export interface FailureFacts {
  psa: PsaName;
  /** HTTP status; 0 = no answer (network, timeout). */
  status: number;
  body: unknown;
  /** Rounds tried, when Trueup gave up after retries (429/5xx). */
  attempts?: number;
}

const LABEL: Record<PsaName, string> = { connectwise: "ConnectWise", autotask: "Autotask" };

const ROLE: Record<PsaName, string> = {
  connectwise: "give the API member's security role Finance › Agreements: Edit (and Procurement › Product Catalog: Inquire to add lines)",
  autotask: "give the API user a security level that can edit contracts (Contracts: All)",
};

export function explainWritebackFailure(f: FailureFacts): string {
  const psa = LABEL[f.psa];
  const words = psaWords(f.body);
  const said = words ? ` ${psa} said: “${words}”.` : "";
  const tries = f.attempts ? ` after ${f.attempts} attempts` : "";
  if (f.status === 401) return `${psa} did not accept Trueup's credentials (401).${said} Reconnect ${psa} in Trueup with current API keys, then Retry.`;
  if (f.status === 403) return `${psa} refused the change: not allowed for Trueup's API user (403).${said} In ${psa}, ${ROLE[f.psa]}, then Retry.`;
  if (f.status === 404) return `The line no longer exists in ${psa} (404).${said} It was removed or moved there; re-sync and decide on the row again.`;
  if (f.status === 429) return `${psa} kept throttling Trueup's requests (429)${tries}.${said} Nothing was changed; Retry later.`;
  if (f.status === 0 || f.status === 408 || f.status >= 500) {
    const what = f.status === 0 ? "did not answer" : `answered with a server error (${f.status})`;
    return `${psa} ${what}${tries}.${said} Trueup re-read the line before every attempt, so nothing was written twice; Retry later, and check ${psa}'s status page if it persists.`;
  }
  return `${psa} rejected the change (${f.status}).${said} Fix what it names in ${psa} (or choose another quantity or date), then Retry.`;
}
