/**
 * The ConnectWise PSA simulator: a Hono app with in-memory state that
 * follows the published API (psa-and-vendor-apis.md §2) closely enough for
 * Trueup's client to be tested against it — company info discovery, the
 * REST API (api.ts), unauthenticated callback signing keys, signed callbacks
 * when data changes, ConnectWise's throttling (throttle.ts), 429/500
 * injection and a request log. `/_sim/*` is the
 * control surface for tests, `npm run dev` and the benches. Runs in workerd
 * (tests: `sim.app.fetch`) and in Node (scripts/sim-server.ts).
 */
import { Hono } from "hono";
import { createCwApi, cwError, type ApiMember, type Member } from "./api.ts";
import type { Deliver } from "./callbacks.ts";
import type { CwDataset } from "./datasets.ts";
import { createControl } from "./control.ts";
import { faultsAndLog, SimControl } from "./faults.ts";
import { cwThrottle, cwThrottleBody } from "./throttle.ts";
import { CwSimState } from "./state.ts";

export interface CwSimOptions {
  /** Public origin of the simulated site, e.g. https://api-na.myconnectwise.net or http://127.0.0.1:8788. */
  origin: string;
  companyId?: string;
  codebase?: string;
  apiMembers?: ApiMember[];
  members?: Member[];
  /** clientIds registered on the ConnectWise developer portal; any other is refused. */
  clientIds?: string[];
  /** Where signed callbacks are POSTed (tests: the Worker's fetch; dev: real HTTP). */
  deliver?: Deliver;
  now?: () => Date;
  /** The dataset `/_sim/seed/demo` loads (the caller passes the demo's; the simulator imports nothing from src/). */
  demoData?: (now: Date) => CwDataset;
  /** Requests per minute per API member before 429 (ConnectWise throttles above ~1,000); null: never. */
  perMinute?: number | null;
}

export const SIM_CW_DEFAULTS = {
  companyId: "northwind",
  publicKey: "simPublicKey",
  privateKey: "simPrivateKey",
  clientId: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
  apiMemberId: "trueup-api",
  member: { identifier: "jsmith", memberHash: "sim-member-hash-jsmith", firstName: "Jane", lastName: "Smith" },
} as const;

export type CwSim = ReturnType<typeof createConnectWiseSim>;

export function createConnectWiseSim(options: CwSimOptions) {
  const state = new CwSimState(options.now ?? (() => new Date()));
  const control = new SimControl();
  const ctx = {
    state,
    origin: options.origin.replace(/\/$/, ""),
    codebase: options.codebase ?? "v4_6_release/",
    companyId: options.companyId ?? SIM_CW_DEFAULTS.companyId,
    deliver: options.deliver ?? ((url: string, init: RequestInit) => fetch(url, init)),
    apiMembers: options.apiMembers ?? [{ publicKey: SIM_CW_DEFAULTS.publicKey, privateKey: SIM_CW_DEFAULTS.privateKey, memberId: SIM_CW_DEFAULTS.apiMemberId }],
    members: options.members ?? [{ ...SIM_CW_DEFAULTS.member }],
    clientIds: options.clientIds ?? [SIM_CW_DEFAULTS.clientId],
    demoData: options.demoData,
  };
  const app = new Hono();
  app.route("/_sim", createControl(ctx, control));
  app.use("*", faultsAndLog(control, (status, retryAfter) => (status === 429 ? cwThrottleBody(retryAfter) : cwError(status, "Injected failure", "ServerError"))));
  app.use(`/${ctx.codebase}apis/3.0/*`, cwThrottle(options.perMinute === undefined ? 1_000 : options.perMinute));
  app.get("/login/companyinfo/:companyId", (c) => {
    if (c.req.param("companyId").toLowerCase() !== ctx.companyId.toLowerCase()) return c.json(cwError(404, "Company not found"), 404);
    return c.json({ CompanyName: "Northwind IT (simulated)", Codebase: ctx.codebase, VersionCode: "v2025.8", VersionNumber: "v4.6.2025", CompanyID: ctx.companyId, IsCloud: true, SiteURL: new URL(ctx.origin).host });
  });
  app.get(`/${ctx.codebase}system/callbackkey/index.rails`, (c) => {
    const callback = [...state.callbacks.values()].find((cb) => cb.keyId === c.req.query("id"));
    return callback ? c.json({ signing_key: callback.signingKey }) : c.json(cwError(404, "Key not found"), 404);
  });
  app.route(`/${ctx.codebase}apis/3.0`, createCwApi(ctx));
  app.notFound((c) => c.json(cwError(404, `No route ${c.req.method} ${c.req.path}`), 404));
  return { app, state, control, ctx, fetch: (req: Request) => app.fetch(req) };
}
