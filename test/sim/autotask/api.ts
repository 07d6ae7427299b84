/**
 * The Autotask REST surface the simulator serves under /ATServicesRest/V1.0
 * (any case): ApiIntegrationCode/UserName/Secret headers, `/{Entity}/query`
 * (POST body or GET ?search=) with filters and 500-record pages linked by
 * `pageDetails.nextPageUrl`, `{"item"}` reads, `{"itemId"}` creates,
 * ThresholdInformation, picklist metadata, Company webhooks with fields, and
 * ContractServiceAdjustments that change ContractServiceUnits
 * (psa-and-vendor-apis.md §3).
 */
import { type Context, Hono } from "hono";
import { evaluate, type Filter } from "./filters.ts";
import type { AtSimState } from "./state.ts";

export interface AtUser {
  username: string;
  secret: string;
  integrationCode: string;
}

export interface AtApiOptions {
  state: AtSimState;
  origin: string;
  users: AtUser[];
  requestsInLastHour: () => number;
}

const PAGE = 500;
export const PERIOD_TYPES = [
  { value: "1", label: "Monthly" },
  { value: "2", label: "Quarterly" },
  { value: "3", label: "Semi-Annual" },
  { value: "4", label: "Yearly" },
];
export const WEBHOOK_FIELD_IDS = [
  { value: "20", label: "CompanyName" },
  { value: "21", label: "CompanyNumber" },
  { value: "22", label: "Phone" },
];

export const atError = (message: string) => ({ errors: [message] });

function records(opts: AtApiOptions, entity: string): Array<Record<string, unknown>> {
  const s = opts.state;
  switch (entity) {
    case "companies":
      return [...s.companies.values()] as unknown as Array<Record<string, unknown>>;
    case "contracts":
      return [...s.contracts.values()] as unknown as Array<Record<string, unknown>>;
    case "services":
      return [...s.services.values()];
    case "contractservices":
      return [...s.contractServices.values()] as unknown as Array<Record<string, unknown>>;
    case "contractserviceunits":
      return s.unitRows();
    default:
      return [];
  }
}

function queryPage(c: Context, opts: AtApiOptions, entity: string, filter: Filter[], offset: number): Response {
  let matching: Array<Record<string, unknown>>;
  try {
    matching = records(opts, entity.toLowerCase()).filter((r) => filter.every((f) => evaluate(f, r)));
  } catch (error) {
    return c.json(atError(error instanceof Error ? error.message : "bad filter"), 500);
  }
  matching.sort((a, b) => Number(a.id) - Number(b.id));
  const items = matching.slice(offset, offset + PAGE);
  const more = offset + PAGE < matching.length;
  const token = btoa(JSON.stringify({ filter, offset: offset + PAGE }));
  const nextPageUrl = more ? `${opts.origin}/ATServicesRest/V1.0/${entity}/query/next?paging=${encodeURIComponent(token)}` : null;
  return c.json({ items, pageDetails: { count: items.length, requestCount: PAGE, prevPageUrl: null, nextPageUrl } });
}

export function createAtApi(opts: AtApiOptions) {
  const { state } = opts;
  const api = new Hono();
  api.use("*", async (c, next) => {
    const ok = opts.users.some((u) => u.username === c.req.header("UserName") && u.secret === c.req.header("Secret") && u.integrationCode === c.req.header("ApiIntegrationCode"));
    if (!ok) return c.json(atError("User is not authorized to use the API"), 401);
    await next();
  });
  api.get("/ThresholdInformation", (c) => c.json({ externalRequestThreshold: 10_000, requestThresholdTimeframe: 60, currentTimeframeRequestCount: opts.requestsInLastHour() }));
  api.get("/:entity/entityInformation/fields", (c) => {
    const entity = c.req.param("entity").toLowerCase();
    if (entity === "contracts") return c.json({ fields: [{ name: "contractPeriodType", dataType: "integer", isPickList: true, picklistValues: PERIOD_TYPES.map((v) => ({ ...v, isActive: true })) }] });
    if (entity === "companywebhookfields") return c.json({ fields: [{ name: "fieldID", dataType: "integer", isPickList: true, picklistValues: WEBHOOK_FIELD_IDS.map((v) => ({ ...v, isActive: true })) }] });
    return c.json({ fields: [] });
  });
  api.post("/:entity/query", async (c) => {
    const body = (await c.req.json().catch(() => null)) as { filter?: Filter[] } | null;
    if (!body || !Array.isArray(body.filter)) return c.json(atError("A filter is required"), 500);
    return queryPage(c, opts, c.req.param("entity"), body.filter, 0);
  });
  api.post("/:entity/query/count", async (c) => {
    const body = (await c.req.json().catch(() => null)) as { filter?: Filter[] } | null;
    if (!body || !Array.isArray(body.filter)) return c.json(atError("A filter is required"), 500);
    const filter = body.filter;
    try {
      return c.json({ queryCount: records(opts, c.req.param("entity").toLowerCase()).filter((r) => filter.every((f) => evaluate(f, r))).length });
    } catch (error) {
      return c.json(atError(error instanceof Error ? error.message : "bad filter"), 500);
    }
  });
  api.get("/:entity/query/next", (c) => {
    const paging = JSON.parse(atob(c.req.query("paging") ?? "")) as { filter: Filter[]; offset: number };
    return queryPage(c, opts, c.req.param("entity"), paging.filter, paging.offset);
  });
  api.get("/:entity/query", (c) => queryPage(c, opts, c.req.param("entity"), (JSON.parse(c.req.query("search") ?? "{}") as { filter?: Filter[] }).filter ?? [], 0));
  api.post("/CompanyWebhooks", async (c) => {
    const b = (await c.req.json()) as Record<string, unknown>;
    if (typeof b.WebhookUrl !== "string" || typeof b.DeactivationUrl !== "string" || typeof b.SecretKey !== "string" || b.SecretKey.length > 64) {
      return c.json(atError("WebhookUrl, DeactivationUrl and SecretKey (≤ 64 characters) are required"), 500);
    }
    const id = state.id();
    state.webhooks.set(id, { id, name: String(b.Name ?? ""), webhookUrl: b.WebhookUrl, deactivationUrl: b.DeactivationUrl, secretKey: b.SecretKey, isActive: b.IsActive === true, guid: crypto.randomUUID(), fields: [] });
    return c.json({ itemId: id });
  });
  api.post("/CompanyWebhooks/:id/Fields", async (c) => {
    const hook = state.webhooks.get(Number(c.req.param("id")));
    const b = (await c.req.json()) as { FieldID?: number; IsSubscribedField?: boolean };
    if (!hook) return c.json(atError("Webhook not found"), 404);
    if (!WEBHOOK_FIELD_IDS.some((f) => Number(f.value) === b.FieldID)) return c.json(atError("Unknown FieldID"), 500);
    hook.fields.push(Number(b.FieldID));
    return c.json({ itemId: state.id() });
  });
  api.get("/CompanyWebhooks/:id", (c) => {
    const hook = state.webhooks.get(Number(c.req.param("id")));
    if (!hook) return c.json(atError("Webhook not found"), 404);
    const { secretKey: _s, guid, ...rest } = hook;
    return c.json({ item: { ...rest, webhookGUID: guid, isReady: hook.isActive && hook.fields.length > 0 } });
  });
  api.delete("/CompanyWebhooks/:id", (c) => (state.webhooks.delete(Number(c.req.param("id"))) ? c.json({ itemId: Number(c.req.param("id")) }) : c.json(atError("Webhook not found"), 404)));
  const adjust = async (c: Context, contractFromPath?: number) => {
    const b = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    const contractID = contractFromPath ?? Number(b.contractID ?? b.ContractID);
    const serviceID = Number(b.serviceID ?? b.serviceId);
    const cs = [...state.contractServices.values()].find((x) => x.contractID === contractID && x.serviceID === serviceID);
    if (!cs || !Number.isInteger(b.unitChange) || typeof b.effectiveDate !== "string") return c.json(atError("contractID, serviceID, integer unitChange and effectiveDate are required"), 500);
    const id = state.id();
    state.adjustments.push({ id, contractID, contractServiceID: cs.id, serviceID, unitChange: Number(b.unitChange), effectiveDate: b.effectiveDate });
    return c.json({ itemId: id });
  };
  api.post("/ContractServiceAdjustments", (c) => adjust(c));
  api.post("/Contracts/:id/ServiceAdjustments", (c) => adjust(c, Number(c.req.param("id"))));
  api.get("/:entity/:id", (c) => {
    const item = records(opts, c.req.param("entity").toLowerCase()).find((r) => String(r.id) === c.req.param("id"));
    return item ? c.json({ item }) : c.json({ item: null });
  });
  return api;
}
