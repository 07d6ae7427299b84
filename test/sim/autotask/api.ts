/**
 * The Autotask REST surface the simulator serves under /ATServicesRest/V1.0
 * (any case): ApiIntegrationCode/UserName/Secret headers, `/{Entity}/query`
 * (POST body or GET ?search=; query.ts), `{"item"}` reads (404 for an
 * unknown entity or id), `{"itemId"}` creates,
 * ThresholdInformation, picklist metadata, Company webhooks with fields, and
 * ContractServiceAdjustments that change ContractServiceUnits
 * (psa-and-vendor-apis.md §3).
 */
import { type Context, Hono } from "hono";
import { atError, entityRecords, queryPage, runQuery } from "./query.ts";
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

export { atError } from "./query.ts";

/** Field names of a ContractServiceAdjustment, exactly as Autotask spells them (a create naming another spelling is refused). */
const ADJUSTMENT_FIELDS = new Set(["id", "contractID", "contractServiceID", "serviceID", "unitChange", "effectiveDate", "adjustedUnitPrice", "adjustedUnitCost", "allowRepeatService", "quoteItemID"]);

type Body = Record<string, unknown> | null;
const json = async (c: Context): Promise<Body> => (await c.req.json().catch(() => null)) as Body;

/**
 * The API routes. The app routes on the lower-cased path (app.ts), as
 * Autotask's IIS does: `/ATServicesRest/v1.0/Contracts/query` and
 * `/atservicesrest/V1.0/contracts/query` are the same call.
 */
export function createAtApi(opts: AtApiOptions) {
  const { state } = opts;
  const api = new Hono();
  api.use("*", async (c, next) => {
    const ok = opts.users.some((u) => u.username === c.req.header("UserName") && u.secret === c.req.header("Secret") && u.integrationCode === c.req.header("ApiIntegrationCode"));
    if (!ok) return c.json(atError("User is not authorized to use the API"), 401);
    await next();
  });
  api.get("/thresholdinformation", (c) => c.json({ externalRequestThreshold: 10_000, requestThresholdTimeframe: 60, currentTimeframeRequestCount: opts.requestsInLastHour() }));
  api.get("/:entity/entityinformation/fields", (c) => {
    const entity = c.req.param("entity").toLowerCase();
    if (entity === "contracts") return c.json({ fields: [{ name: "contractPeriodType", dataType: "integer", isPickList: true, picklistValues: PERIOD_TYPES.map((v) => ({ ...v, isActive: true })) }] });
    if (entity === "companywebhookfields") return c.json({ fields: [{ name: "fieldID", dataType: "integer", isPickList: true, picklistValues: WEBHOOK_FIELD_IDS.map((v) => ({ ...v, isActive: true })) }] });
    return c.json({ fields: [] });
  });
  const entityName = (c: Context) => new URL(c.req.url).pathname.split("/").at(-2) ?? "";
  api.post("/:entity/query", async (c) => {
    const body = await json(c);
    return queryPage(c, state, opts.origin, entityName(c), body?.filter, 0, body?.MaxRecords);
  });
  api.post("/:entity/query/count", async (c) => {
    const result = runQuery(state, c.req.param("entity"), (await json(c))?.filter);
    return result.ok ? c.json({ queryCount: result.matching.length }) : c.json(atError(result.message), result.status);
  });
  api.get("/:entity/query/next", (c) => {
    let paging: { filter: unknown; offset: number; maxRecords: number };
    try {
      paging = JSON.parse(atob(c.req.query("paging") ?? "")) as typeof paging;
    } catch {
      return c.json(atError("Invalid paging token"), 400);
    }
    const entity = new URL(c.req.url).pathname.split("/").at(-3) ?? "";
    return queryPage(c, state, opts.origin, entity, paging.filter, paging.offset, paging.maxRecords);
  });
  api.get("/:entity/query", (c) => {
    let search: Body;
    try {
      search = JSON.parse(c.req.query("search") ?? "null") as Body;
    } catch {
      return c.json(atError("search must be JSON"), 400);
    }
    return queryPage(c, state, opts.origin, entityName(c), search?.filter, 0, search?.MaxRecords);
  });
  api.post("/companywebhooks", async (c) => {
    const b = (await json(c)) ?? {};
    if (typeof b.WebhookUrl !== "string" || typeof b.DeactivationUrl !== "string" || typeof b.SecretKey !== "string" || b.SecretKey.length > 64) {
      return c.json(atError("WebhookUrl, DeactivationUrl and SecretKey (≤ 64 characters) are required"), 500);
    }
    const id = state.id();
    state.webhooks.set(id, { id, name: String(b.Name ?? ""), webhookUrl: b.WebhookUrl, deactivationUrl: b.DeactivationUrl, secretKey: b.SecretKey, isActive: b.IsActive === true, guid: crypto.randomUUID(), fields: [] });
    return c.json({ itemId: id });
  });
  api.post("/companywebhooks/:id/fields", async (c) => {
    const hook = state.webhooks.get(Number(c.req.param("id")));
    const b = (await json(c)) ?? {};
    if (!hook) return c.json(atError("Webhook not found"), 404);
    if (!WEBHOOK_FIELD_IDS.some((f) => Number(f.value) === b.FieldID)) return c.json(atError("Unknown FieldID"), 500);
    hook.fields.push(Number(b.FieldID));
    return c.json({ itemId: state.id() });
  });
  api.get("/companywebhooks/:id", (c) => {
    const hook = state.webhooks.get(Number(c.req.param("id")));
    if (!hook) return c.json(atError("Webhook not found"), 404);
    const { secretKey: _s, guid, ...rest } = hook;
    return c.json({ item: { ...rest, webhookGUID: guid, isReady: hook.isActive && hook.fields.length > 0 } });
  });
  api.delete("/companywebhooks/:id", (c) => (state.webhooks.delete(Number(c.req.param("id"))) ? c.json({ itemId: Number(c.req.param("id")) }) : c.json(atError("Webhook not found"), 404)));
  api.post("/contractserviceadjustments", async (c) => adjust(c, state, await json(c)));
  api.post("/contracts/:id/serviceadjustments", async (c) => adjust(c, state, await json(c), Number(c.req.param("id"))));
  api.get("/:entity/:id", (c) => {
    const records = entityRecords(state, c.req.param("entity"));
    if (!records) return c.json(atError(`Entity ${c.req.param("entity")} was not found`), 404);
    const item = records.find((r) => String(r.id) === c.req.param("id"));
    return item ? c.json({ item }) : c.json(atError(`No ${c.req.param("entity")} with id ${c.req.param("id")}`), 404);
  });
  return api;
}

/**
 * A ContractServiceAdjustment: field names exactly as Autotask spells them,
 * an integer unitChange and an effectiveDate; refused (500, Autotask's way
 * for business rules) when it would leave the service below 0 units in any
 * period.
 */
function adjust(c: Context, state: AtSimState, b: Body, contractFromPath?: number): Response {
  const body = b ?? {};
  const misspelt = Object.keys(body).find((k) => !ADJUSTMENT_FIELDS.has(k));
  if (misspelt !== undefined) return c.json(atError(`Unknown field ${misspelt} on ContractServiceAdjustment (field names are case-sensitive, e.g. contractID, serviceID)`), 500);
  const contractID = contractFromPath ?? Number(body.contractID);
  const serviceID = Number(body.serviceID);
  if (!Number.isInteger(body.unitChange) || typeof body.effectiveDate !== "string") return c.json(atError("contractID, serviceID, integer unitChange and effectiveDate are required"), 500);
  const existing = [...state.contractServices.values()].find((x) => x.contractID === contractID && x.serviceID === serviceID);
  const cs = existing ?? autoCreateService(state, contractID, serviceID, body);
  if (typeof cs === "string") return c.json(atError(cs), 500);
  const adjustment = { id: state.id(), contractID, contractServiceID: cs.id, serviceID, unitChange: Number(body.unitChange), effectiveDate: body.effectiveDate };
  state.adjustments.push(adjustment);
  const lowest = state.lowestUnitsFrom(cs.id, body.effectiveDate.slice(0, 10));
  if (lowest.units < 0) {
    state.adjustments.pop();
    if (!existing) state.contractServices.delete(cs.id);
    return c.json(atError(`The adjustment would leave ${lowest.units} units from ${lowest.day}; units cannot be negative`), 500);
  }
  return c.json({ itemId: adjustment.id });
}

/**
 * "Creating a ContractServiceAdjustment auto-creates the ContractService if
 * missing" (ContractServiceAdjustments entity, reference §3.3): on a
 * Recurring Service contract (contractType 7), for an active Service, at the
 * adjustment's adjustedUnitPrice/Cost or else the Service's unitPrice/Cost.
 * Rolled back with the adjustment when that is refused.
 */
function autoCreateService(state: AtSimState, contractID: number, serviceID: number, body: Record<string, unknown>) {
  const contract = state.contracts.get(contractID);
  if (!contract) return `Contract ${contractID} does not exist`;
  if (contract.contractType !== 7) return `Contract ${contractID} is not a Recurring Service contract`;
  const service = state.services.get(serviceID);
  if (!service || service.isActive === false) return `Service ${serviceID} does not exist or is inactive`;
  const price = typeof body.adjustedUnitPrice === "number" ? body.adjustedUnitPrice : (service.unitPrice ?? 0);
  const cost = typeof body.adjustedUnitCost === "number" ? body.adjustedUnitCost : (service.unitCost ?? 0);
  return state.addContractService({ id: state.id(), contractID, serviceID, unitPrice: price, unitCost: cost, units: 0 });
}
