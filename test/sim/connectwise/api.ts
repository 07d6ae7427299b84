/**
 * The ConnectWise REST surface the simulator serves under
 * `/{codebase}apis/3.0` (psa-and-vendor-apis.md §2): API-member Basic auth
 * `companyId+publicKey:privateKey` plus a clientId header (member cookies or
 * Basic member auth for /system/myMembers/info, §2.6), conditions, pageSize
 * ≤ 1000 with Link paging, JSON Patch on additions (validated and applied
 * with fast-json-patch), and /system/callbacks.
 */
import jsonpatch, { type Operation } from "fast-json-patch";
import { type Context, Hono } from "hono";
import { type CallbackContext, notifyAgreement } from "./callbacks.ts";
import { conditionFields, matches, parseConditions } from "./conditions.ts";
import { ADDITION_FIELDS, ADDITION_READ_ONLY, AGREEMENT_FIELDS, CATALOG_FIELDS } from "./fields.ts";
import type { CwSimState, SimAddition } from "./state.ts";

export interface ApiMember {
  publicKey: string;
  privateKey: string;
  memberId: string;
}

export interface Member {
  identifier: string;
  memberHash: string;
  firstName: string;
  lastName: string;
}

export interface ApiOptions extends CallbackContext {
  apiMembers: ApiMember[];
  /** clientIds registered on the developer portal (every request must carry one). */
  clientIds: string[];
  members: Member[];
}

type Env = { Variables: { member: string } };

export function cwError(status: number, message: string, code = status === 401 ? "Unauthorized" : status === 404 ? "NotFound" : "InvalidObject") {
  return { code, message, errors: status === 400 ? [{ code, message, resource: "", field: "" }] : undefined };
}

function decodeBasic(header: string | undefined): [string, string] | null {
  const match = header ? /^Basic\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) return null;
  const text = atob(match[1]);
  const colon = text.indexOf(":");
  return colon < 0 ? null : [text.slice(0, colon), text.slice(colon + 1)];
}

function cookieMap(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k) out[k] = v.join("=");
  }
  return out;
}

function authenticate(opts: ApiOptions, c: Context): string | null {
  const clientId = c.req.header("clientId") ?? "";
  if (!opts.clientIds.some((id) => id.toLowerCase() === clientId.toLowerCase())) return null;
  const basic = decodeBasic(c.req.header("authorization"));
  if (basic) {
    const [user, secret] = basic;
    const [company, key] = [user.slice(0, user.indexOf("+")), user.slice(user.indexOf("+") + 1)];
    if (company.toLowerCase() !== opts.companyId.toLowerCase()) return null;
    const api = opts.apiMembers.find((m) => m.publicKey === key && m.privateKey === secret);
    if (api) return api.memberId;
    const member = opts.members.find((m) => m.identifier.toLowerCase() === key.toLowerCase() && m.memberHash === secret);
    return member ? `member:${member.identifier}` : null;
  }
  const cookies = cookieMap(c.req.header("cookie"));
  if ((cookies.companyName ?? "").toLowerCase() !== opts.companyId.toLowerCase()) return null;
  const member = opts.members.find((m) => m.identifier.toLowerCase() === (cookies.memberId ?? "").toLowerCase() && m.memberHash === cookies.memberHash);
  return member ? `member:${member.identifier}` : null;
}

/** Records matching `conditions`, or the 400 ConnectWise answers for a bad one (syntax, or a field the record type does not have). */
function filterByConditions<T>(c: Context, records: T[], fields: Set<string>): T[] | Response {
  const conditions = c.req.query("conditions");
  if (!conditions) return records;
  try {
    const node = parseConditions(conditions);
    const unknown = conditionFields(node).find((f) => !fields.has(f));
    if (unknown !== undefined) return c.json(cwError(400, `conditions: ${unknown} is not a valid field`), 400);
    return records.filter((r) => matches(node, r as unknown as Record<string, unknown>));
  } catch (error) {
    return c.json(cwError(400, error instanceof Error ? error.message : "bad conditions"), 400);
  }
}

/** `GET …/count?conditions=…` → `{"count": n}` (ConnectWise's `Count` schema). */
function count<T>(c: Context, records: T[], fields: Set<string>): Response {
  const filtered = filterByConditions(c, records, fields);
  return filtered instanceof Response ? filtered : c.json({ count: filtered.length });
}

function page<T extends { id: number }>(c: Context, records: T[], fields: Set<string>): Response {
  const pageSize = Number(c.req.query("pageSize") ?? "25");
  const pageNo = Number(c.req.query("page") ?? "1");
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) return c.json(cwError(400, "pageSize must be 1–1000"), 400);
  const filtered = filterByConditions(c, records, fields);
  if (filtered instanceof Response) return filtered;
  filtered.sort((a, b) => a.id - b.id);
  const items = filtered.slice((pageNo - 1) * pageSize, pageNo * pageSize);
  const last = Math.max(1, Math.ceil(filtered.length / pageSize));
  const link = (n: number) => {
    const url = new URL(c.req.url);
    url.searchParams.set("page", String(n));
    return `<${url.toString()}>`;
  };
  const links = [`${link(1)}; rel="first"`];
  if (pageNo > 1) links.push(`${link(pageNo - 1)}; rel="prev"`);
  if (pageNo < last) links.push(`${link(pageNo + 1)}; rel="next"`, `${link(last)}; rel="last"`);
  return c.json(structuredClone(items), 200, { link: links.join(", ") });
}

/** A stable integer record id for a member identifier (ConnectWise member ids are int32). */
function memberRecId(identifier: string): number {
  let h = 0;
  for (const ch of identifier) h = (h * 31 + ch.charCodeAt(0)) % 100_000;
  return 100 + h;
}

export function createCwApi(opts: ApiOptions) {
  const { state } = opts;
  const api = new Hono<Env>();
  api.use("*", async (c, next) => {
    const member = authenticate(opts, c);
    if (!member) return c.json(cwError(401, "Authentication failed: invalid credentials or clientId"), 401);
    c.set("member", member);
    await next();
  });
  api.get("/system/info", (c) => c.json({ version: "v2025.8", isCloud: true, serverTimeZone: "Etc/UTC", cloudRegion: "NA" }));
  api.get("/system/myMembers/info", (c) => {
    const id = c.get("member").replace(/^member:/, "");
    const m = opts.members.find((x) => x.identifier === id);
    return c.json({ id: 42, identifier: m?.identifier ?? id, firstName: m?.firstName ?? "API", lastName: m?.lastName ?? "Member", inactiveFlag: false });
  });
  api.get("/finance/agreements", (c) => page(c, [...state.agreements.values()], AGREEMENT_FIELDS));
  api.get("/finance/agreements/count", (c) => count(c, [...state.agreements.values()], AGREEMENT_FIELDS));
  api.get("/finance/agreements/:id/additions/count", (c) => {
    const id = Number(c.req.param("id"));
    return state.agreements.has(id) ? count(c, state.additionsOf(id), ADDITION_FIELDS) : c.json(cwError(404, "Agreement not found"), 404);
  });
  api.get("/finance/agreements/:id", (c) => {
    const a = state.agreements.get(Number(c.req.param("id")));
    return a ? c.json(structuredClone(a)) : c.json(cwError(404, "Agreement not found"), 404);
  });
  api.get("/finance/agreements/:id/additions", (c) => {
    const id = Number(c.req.param("id"));
    return state.agreements.has(id) ? page(c, state.additionsOf(id), ADDITION_FIELDS) : c.json(cwError(404, "Agreement not found"), 404);
  });
  api.get("/finance/agreements/:id/additions/:addId", (c) => {
    const a = state.findAddition(Number(c.req.param("id")), Number(c.req.param("addId")));
    return a ? c.json(structuredClone(a)) : c.json(cwError(404, "Addition not found"), 404);
  });
  api.patch("/finance/agreements/:id/additions/:addId", async (c) => {
    const agreementId = Number(c.req.param("id"));
    const addition = state.findAddition(agreementId, Number(c.req.param("addId")));
    if (!addition) return c.json(cwError(404, "Addition not found"), 404);
    const patched = applyAdditionPatch(addition, await c.req.json().catch(() => null));
    if (typeof patched === "string") return c.json(cwError(400, patched), 400);
    Object.assign(addition, patched, { _info: { lastUpdated: state.stamp() } });
    await notifyAgreement(opts, agreementId, "updated", c.get("member"));
    return c.json(structuredClone(addition));
  });
  api.post("/finance/agreements/:id/additions", async (c) => {
    const agreementId = Number(c.req.param("id"));
    const agreement = state.agreements.get(agreementId);
    if (!agreement) return c.json(cwError(404, "Agreement not found"), 404);
    const created = createAddition(state, agreementId, await c.req.json().catch(() => null));
    if (typeof created === "string") return c.json(cwError(400, created), 400);
    state.additions.set(created.id, created);
    await notifyAgreement(opts, agreementId, "updated", c.get("member"));
    return c.json(structuredClone(created), 201);
  });
  api.get("/procurement/catalog", (c) => page(c, [...state.catalog.values()], CATALOG_FIELDS));
  api.get("/procurement/catalog/:id", (c) => {
    const item = state.catalog.get(Number(c.req.param("id")));
    return item ? c.json(structuredClone(item)) : c.json(cwError(404, "Catalog item not found"), 404);
  });
  api.get("/system/callbacks", (c) => c.json([...state.callbacks.values()].map(({ signingKey: _k, keyId: _i, memberIdentifier: _m, ...entry }) => entry)));
  api.post("/system/callbacks", async (c) => {
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    if (!body || typeof body.url !== "string" || typeof body.objectId !== "number" || typeof body.type !== "string" || typeof body.level !== "string") {
      return c.json(cwError(400, "url, objectId, type and level are required"), 400);
    }
    const entry = {
      id: state.id(),
      url: body.url,
      objectId: body.objectId,
      type: body.type,
      level: body.level,
      description: String(body.description ?? ""),
      inactiveFlag: body.inactiveFlag === true,
      isSelfSuppressedFlag: body.isSelfSuppressedFlag === true,
      memberId: memberRecId(c.get("member")),
    };
    state.callbacks.set(entry.id, { ...entry, memberIdentifier: c.get("member"), signingKey: crypto.randomUUID(), keyId: crypto.randomUUID() });
    return c.json(entry, 201);
  });
  api.delete("/system/callbacks/:id", (c) => (state.callbacks.delete(Number(c.req.param("id"))) ? c.body(null, 204) : c.json(cwError(404, "Callback not found"), 404)));
  return api;
}

/**
 * Applies ConnectWise-style JSON Patch (path with or without the leading
 * slash) to a copy; a string is the 400 message. Only writable fields of the
 * Addition schema may be named (fields.ts): a read-only one (id, agreementId,
 * _info/…, computed amounts) or one the schema does not have is refused.
 */
export function applyAdditionPatch(addition: object, body: unknown): object | string {
  if (!Array.isArray(body) || body.length === 0) return "body must be a non-empty JSON Patch array";
  const ops = body.map((op: Record<string, unknown>) => ({ ...op, path: typeof op.path === "string" && !op.path.startsWith("/") ? `/${op.path}` : op.path })) as Operation[];
  for (const op of ops) {
    const field = typeof op.path === "string" ? (op.path.split("/")[1] ?? "") : "";
    if (!ADDITION_FIELDS.has(field)) return `${op.path}: not a field of an agreement addition`;
    if (ADDITION_READ_ONLY.has(field)) return `${op.path}: read-only field`;
  }
  const doc = structuredClone(addition);
  const invalid = jsonpatch.validate(ops, doc);
  if (invalid) return `invalid patch: ${invalid.message}`;
  const next = jsonpatch.applyPatch(doc, ops, false, false).newDocument as { quantity?: unknown };
  if (typeof next.quantity !== "number" || next.quantity < 0) return "quantity must be a non-negative number";
  return next;
}

/**
 * `POST /finance/agreements/{id}/additions`: an Addition whose required
 * fields are `product` (a catalog reference by id or identifier) and
 * `billCustomer` (Billable | DoNotBill | NoCharge); unitPrice/unitCost
 * default to the catalog item's price/cost, effectiveDate to today, and
 * read-only or unknown fields are refused. A string is the 400 message.
 */
export function createAddition(state: CwSimState, agreementId: number, body: unknown): SimAddition | string {
  if (!body || typeof body !== "object" || Array.isArray(body)) return "body must be an Addition object";
  const b = body as Record<string, unknown>;
  for (const field of Object.keys(b)) {
    if (!ADDITION_FIELDS.has(field)) return `${field}: not a field of an agreement addition`;
    if (ADDITION_READ_ONLY.has(field) && field !== "agreementId") return `${field}: read-only field`;
  }
  const ref = b.product as { id?: unknown; identifier?: unknown } | undefined;
  if (!ref || typeof ref !== "object") return "product: required";
  const item = state.findCatalogItem(ref);
  if (!item || item.inactiveFlag) return "product: not found in the product catalog";
  if (b.billCustomer !== "Billable" && b.billCustomer !== "DoNotBill" && b.billCustomer !== "NoCharge") return "billCustomer: required, one of Billable, DoNotBill, NoCharge";
  const number = (v: unknown, field: string, fallback: number): number | string => (v === undefined ? fallback : typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : `${field}: must be a non-negative number`);
  const quantity = number(b.quantity, "quantity", 0);
  const unitPrice = number(b.unitPrice, "unitPrice", item.price);
  const unitCost = number(b.unitCost, "unitCost", item.cost);
  const lessIncluded = number(b.lessIncluded, "lessIncluded", 0);
  for (const v of [quantity, unitPrice, unitCost, lessIncluded]) if (typeof v === "string") return v;
  if (b.effectiveDate !== undefined && (typeof b.effectiveDate !== "string" || Number.isNaN(Date.parse(b.effectiveDate)))) return "effectiveDate: must be a date-time";
  const effective = typeof b.effectiveDate === "string" ? `${b.effectiveDate.slice(0, 10)}T00:00:00Z` : `${state.stamp().slice(0, 10)}T00:00:00Z`;
  return {
    id: state.id(),
    agreementId,
    product: { id: item.id, identifier: item.identifier },
    quantity: quantity as number,
    lessIncluded: lessIncluded as number,
    unitPrice: unitPrice as number,
    unitCost: unitCost as number,
    billCustomer: b.billCustomer,
    effectiveDate: effective,
    description: typeof b.description === "string" ? b.description : item.description,
    _info: { lastUpdated: state.stamp() },
  };
}
