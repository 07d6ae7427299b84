/**
 * The Autotask PSA simulator: zone lookup, the REST API (api.ts), signed
 * Company webhooks with Autotask's \uXXXX escaping, DeactivationUrl calls,
 * Autotask's hourly and thread limits (../connectwise/throttle.ts), 429/500
 * injection and a request log; `/_sim/*` controls it. Runs in
 * workerd (tests) and Node (scripts/sim-server.ts). Contracts, services and
 * units send no webhooks, exactly like Autotask (§3.4).
 */
import { type Context, Hono } from "hono";
import { faultsAndLog, SimControl } from "../connectwise/faults.ts";
import { autotaskSignature } from "../signing.ts";
import { type AtLimits, atThrottle } from "../connectwise/throttle.ts";
import { createAtControl } from "./control.ts";
import { atError, createAtApi, type AtUser } from "./api.ts";
import { autotaskJson } from "./filters.ts";
import { AtSimState, type AtWebhook } from "./state.ts";

export type Deliver = (url: string, init: { method: "POST"; headers: Record<string, string>; body: string }) => Promise<Response>;

export interface AtSimOptions {
  /** Zone origin, e.g. https://webservices15.autotask.net or http://127.0.0.1:8789. */
  origin: string;
  webOrigin?: string;
  users?: AtUser[];
  deliver?: Deliver;
  now?: () => Date;
  /** Autotask's limits: 10,000 requests per rolling hour per database, 3 threads per endpoint; null: none. */
  limits?: Partial<AtLimits>;
}

export const SIM_AT_DEFAULTS = { username: "trueup-api@northwind.example", secret: "sim-secret", integrationCode: "SIMINTEGRATIONCODE000000000" } as const;

export interface AtDelivery {
  url: string;
  body: string;
  headers: Record<string, string>;
  status: number;
}

export type AtSim = ReturnType<typeof createAutotaskSim>;

export function createAutotaskSim(options: AtSimOptions) {
  const origin = options.origin.replace(/\/$/, "");
  const state = new AtSimState(options.now ?? (() => new Date()));
  const control = new SimControl();
  const users = options.users ?? [{ ...SIM_AT_DEFAULTS }];
  const deliver = options.deliver ?? ((url: string, init: RequestInit) => fetch(url, init));
  const deliveries: AtDelivery[] = [];

  async function post(url: string, hook: AtWebhook, payload: unknown): Promise<AtDelivery> {
    const body = autotaskJson(payload);
    const headers = { "content-type": "application/json", "x-hook-signature": await autotaskSignature(hook.secretKey, body) };
    let status = 0;
    try {
      const res = await deliver(url, { method: "POST", headers, body });
      status = res.status;
      await res.body?.cancel();
    } catch {
      status = 0;
    }
    const d = { url, body, headers, status };
    deliveries.push(d);
    return d;
  }

  async function companyChanged(companyId: number, action: string): Promise<AtDelivery[]> {
    const company = state.companies.get(companyId);
    const out: AtDelivery[] = [];
    for (const hook of state.webhooks.values()) {
      if (!hook.isActive || hook.fields.length === 0) continue;
      const payload = { Action: action, Guid: hook.guid, EntityType: "Company", Id: companyId, Fields: { companyName: company?.companyName ?? null }, EventTime: state.now().toISOString(), SequenceNumber: ++state.sequence, PersonID: 29682885 };
      out.push(await post(hook.webhookUrl, hook, payload));
    }
    return out;
  }

  // Autotask's paths are case-insensitive (the published client asks for /ATServicesRest/v1.0/zoneInformation):
  // routes match the lower-cased path; the request log keeps the path as sent.
  const app = new Hono({ getPath: (req) => new URL(req.url).pathname.toLowerCase() });
  app.route("/_sim", createAtControl({ state, control, deliveries, deliver, post, companyChanged }));
  app.use("*", faultsAndLog(control, (status) => atError(status === 429 ? "Request threshold exceeded" : "Injected failure")));
  app.use("*", atThrottle({ hourly: 10_000, threadsPerEndpoint: 3, ...options.limits }));
  const zone = (c: Context) => {
    const user = c.req.query("user") ?? "";
    if (!users.some((u) => u.username.toLowerCase() === user.toLowerCase())) return c.json(atError("Invalid user"), 404);
    return c.json({ zoneName: "Simulated Zone", url: `${origin}/ATServicesRest/`, webUrl: options.webOrigin ?? `${origin}/`, ci: 15 });
  };
  app.get("/atservicesrest/v1.0/zoneinformation", zone);
  const api = createAtApi({ state, origin, users, requestsInLastHour: () => control.log.filter((e) => Date.parse(e.at) > Date.now() - 3_600_000).length });
  app.route("/atservicesrest/v1.0", api);
  app.notFound((c) => c.json(atError(`No route ${c.req.method} ${c.req.path}`), 404));

  return { app, state, control, deliveries, companyChanged, fetch: (req: Request) => app.fetch(req) };
}
