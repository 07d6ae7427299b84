/**
 * Fault injection and the request log shared by the PSA simulators. A fault
 * matches requests by method and path substring and answers with `status`
 * (429 carries Retry-After) either instead of the request ("before") or after
 * the request was applied ("after": the PSA changed its data, then failed —
 * the case write-back must not double-apply). Runs in workerd and Node.
 */
import type { Context, MiddlewareHandler } from "hono";

export interface Fault {
  method?: string;
  /** Substring of the path (after the origin), e.g. "/additions/88010". */
  path: string;
  status: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  retryAfter?: number;
  when?: "before" | "after";
  body?: unknown;
}

export interface LogEntry {
  method: string;
  path: string;
  status: number;
  at: string;
}

export class SimControl {
  faults: Array<Fault & { left: number }> = [];
  log: LogEntry[] = [];

  addFault(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
    this.log = [];
  }

  take(method: string, path: string): (Fault & { left: number }) | null {
    const fault = this.faults.find((f) => f.left > 0 && (!f.method || f.method.toUpperCase() === method) && path.includes(f.path));
    if (!fault) return null;
    fault.left -= 1;
    return fault;
  }

  /** Requests whose path contains `fragment` (all when omitted). */
  count(fragment = "", method?: string): number {
    return this.log.filter((e) => e.path.includes(fragment) && (!method || e.method === method)).length;
  }
}

/** The simulator's error body for a status; a 429's names the same wait as its Retry-After. */
export type ErrorBody = (status: number, retryAfterSeconds: number) => unknown;

function faultResponse(fault: Fault, errorBody: ErrorBody): Response {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const retryAfter = fault.retryAfter ?? 1;
  if (fault.status === 429) headers["retry-after"] = String(retryAfter);
  return new Response(JSON.stringify(fault.body ?? errorBody(fault.status, retryAfter)), { status: fault.status, headers });
}

/** Logs every API request and applies injected faults around it. */
export function faultsAndLog(control: SimControl, errorBody: ErrorBody): MiddlewareHandler {
  return async function simFaults(c: Context, next) {
    const url = new URL(c.req.url);
    const path = `${url.pathname}${url.search}`;
    const fault = control.take(c.req.method, path);
    if (fault && fault.when !== "after") {
      control.log.push({ method: c.req.method, path, status: fault.status, at: new Date().toISOString() });
      return faultResponse(fault, errorBody);
    }
    await next();
    if (fault) c.res = faultResponse(fault, errorBody);
    control.log.push({ method: c.req.method, path, status: c.res.status, at: new Date().toISOString() });
  };
}
