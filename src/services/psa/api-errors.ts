/**
 * Turns PSA failures met while serving an API request into the app's error
 * shape: credentials the PSA rejects are the caller's input problem (400
 * naming the field); an unreachable or failing PSA is a 503.
 */
import { AppError } from "../../errors.ts";
import { PsaHttpError } from "./http.ts";

export function toAppError(error: unknown, what: string, rejectedField: string): AppError {
  if (!(error instanceof PsaHttpError)) return error instanceof AppError ? error : new AppError("internal_error", "Internal error");
  if (error.status === 401 || error.status === 403) {
    return new AppError("validation_failed", `${rejectedField}: ${what} rejected the credentials (HTTP ${error.status})`);
  }
  if (error.status === 429) {
    const after = error.retryAfterSeconds ?? 60;
    return new AppError("rate_limited", `${what} is throttling requests; retry in ${after} s`, { "Retry-After": String(after) });
  }
  if (error.failure === "rejected") return new AppError("validation_failed", `${rejectedField}: ${what} refused the request (${error.message})`);
  return new AppError("service_unavailable", `${what} is unreachable or failing (${error.message})`);
}
