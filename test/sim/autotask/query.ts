/**
 * Autotask queries in the simulator (psa-and-vendor-apis.md §3.2): the
 * entities it models with the fields each has, `POST /{Entity}/query` pages
 * of at most 500 (or `MaxRecords`, 1–500) linked by `pageDetails.nextPageUrl`
 * on the zone, and `/query/count`. An entity it does not have is a 404 and a
 * filter on a field the entity does not have is a 400 — never an empty
 * success, so a misspelt field in a client shows up as an error.
 */
import type { Context } from "hono";
import { evaluate, type Filter } from "./filters.ts";
import type { AtSimState } from "./state.ts";

export const PAGE = 500;

export const atError = (message: string) => ({ errors: [message] });

/** The fields of each modelled entity (lower-cased entity → field names). */
export const ENTITY_FIELDS: Record<string, string[]> = {
  companies: ["id", "companyName", "companyNumber", "companyType"],
  contracts: ["id", "companyID", "contractName", "contractType", "status", "startDate", "endDate", "contractPeriodType"],
  services: ["id", "name", "unitPrice", "unitCost", "isActive"],
  contractservices: ["id", "contractID", "serviceID", "unitPrice", "unitCost", "adjustedPrice", "invoiceDescription"],
  contractserviceunits: ["id", "contractID", "contractServiceID", "serviceID", "startDate", "endDate", "units", "price", "cost"],
};

export function entityRecords(state: AtSimState, entity: string): Array<Record<string, unknown>> | null {
  switch (entity.toLowerCase()) {
    case "companies":
      return [...state.companies.values()] as unknown as Array<Record<string, unknown>>;
    case "contracts":
      return [...state.contracts.values()] as unknown as Array<Record<string, unknown>>;
    case "services":
      return [...state.services.values()];
    case "contractservices":
      return [...state.contractServices.values()] as unknown as Array<Record<string, unknown>>;
    case "contractserviceunits":
      return state.unitRows();
    default:
      return null;
  }
}

function filterFields(filter: Filter[]): string[] {
  return filter.flatMap((f) => (f.items ? filterFields(f.items) : f.field === undefined ? [] : [f.field]));
}

export type QueryResult = { ok: true; matching: Array<Record<string, unknown>> } | { ok: false; status: 400 | 404 | 500; message: string };

/** Every record of `entity` matching `filter`, or the error Autotask answers. */
export function runQuery(state: AtSimState, entity: string, filter: unknown): QueryResult {
  const records = entityRecords(state, entity);
  const fields = ENTITY_FIELDS[entity.toLowerCase()];
  if (!records || !fields) return { ok: false, status: 404, message: `Entity ${entity} was not found` };
  if (!Array.isArray(filter) || filter.length === 0) return { ok: false, status: 500, message: "A filter is required" };
  const unknown = filterFields(filter as Filter[]).find((f) => !fields.some((k) => k.toLowerCase() === f.toLowerCase()));
  if (unknown !== undefined) return { ok: false, status: 400, message: `Unable to find ${unknown} in the ${entity} entity` };
  try {
    const matching = records.filter((r) => (filter as Filter[]).every((f) => evaluate(f, r)));
    return { ok: true, matching: matching.sort((a, b) => Number(a.id) - Number(b.id)) };
  } catch (error) {
    return { ok: false, status: 500, message: error instanceof Error ? error.message : "bad filter" };
  }
}

/** One page of a query: `size` records from `offset`, linked to the next page on the zone. */
export function queryPage(c: Context, state: AtSimState, origin: string, entity: string, filter: unknown, offset: number, maxRecords: unknown): Response {
  const size = maxRecords === undefined || maxRecords === null ? PAGE : Number(maxRecords);
  if (!Number.isInteger(size) || size < 1 || size > PAGE) return c.json(atError(`MaxRecords must be an integer from 1 to ${PAGE}`), 400);
  const result = runQuery(state, entity, filter);
  if (!result.ok) return c.json(atError(result.message), result.status);
  const items = result.matching.slice(offset, offset + size);
  const more = offset + size < result.matching.length;
  const token = btoa(JSON.stringify({ filter, offset: offset + size, maxRecords: size }));
  const nextPageUrl = more ? `${origin}/ATServicesRest/V1.0/${entity}/query/next?paging=${encodeURIComponent(token)}` : null;
  return c.json({ items, pageDetails: { count: items.length, requestCount: size, prevPageUrl: null, nextPageUrl } });
}
