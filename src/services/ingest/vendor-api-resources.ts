/**
 * Gradient-compatible services, accounts and clients (reference §1.3/§1.4):
 * vendor-level services get an id we assign (their `_id`/`id`); organization
 * services and accounts are keyed by the vendor's own id. Creating accounts
 * that already exist renames them (vendors "always sync all information").
 */
import type { Db } from "../../db/client.ts";
import { createdAccountIds, runBatch } from "../../db/repos/ingest-ledger.ts";
import {
  findGradientService,
  type GradientServicePatch,
  insertGradientServiceStatements,
  listAccounts,
  listClients,
  listGradientServices,
  type Scope,
  updateAccountStatement,
  updateGradientServiceStatements,
  upsertAccountStatement,
} from "../../db/repos/ingest-vendor-api.ts";
import { AppError } from "../../errors.ts";
import { newId } from "../secrets.ts";
import { autoMapNewAccounts } from "./auto-map.ts";
import { toSku } from "./vendor-api.ts";

export interface ServiceInput {
  name: string;
  description: string;
  category: string;
  subcategory: string;
  supportArticle?: string | undefined;
  supportContact?: string | undefined;
}

export async function createVendorService(db: Db, s: Scope, input: ServiceInput, now: Date) {
  const id = newId("vs");
  await runBatch(db, insertGradientServiceStatements(db, s, {
    id, externalId: id, name: input.name, scope: "vendor", description: input.description, category: input.category, subcategory: input.subcategory,
    supportArticle: input.supportArticle ?? null, supportContact: input.supportContact ?? null, at: now.toISOString(),
  }));
  const services = await listGradientServices(db, s, "vendor");
  const created = services.find((r) => r.id === id);
  return { sku: created ? toSku(created) : null, skus: services.map(toSku) };
}

export async function getService(db: Db, s: Scope, externalId: string) {
  const row = await findGradientService(db, s, externalId);
  if (!row) throw new AppError("not_found", `No service found with id: ${externalId}`);
  return row;
}

export async function updateService(db: Db, s: Scope, externalId: string, patch: GradientServicePatch, now: Date) {
  const row = await getService(db, s, externalId);
  await runBatch(db, updateGradientServiceStatements(db, s, row.id, row.scope === "organization" ? "organization" : "vendor", patch, now.toISOString()));
  return getService(db, s, externalId);
}

export interface AccountInput {
  id: string;
  name: string;
  description?: string | null | undefined;
}

export function toAccount(row: { externalId: string; name: string; description: string | null; isMapped?: number }) {
  return { id: row.externalId, name: row.name, description: row.description ?? "", ...(row.isMapped === undefined ? {} : { isMapped: row.isMapped === 1 }) };
}

export async function listVendorAccounts(db: Db, s: Scope, ids: string[] | null, onlyUnmapped: boolean) {
  const rows = await listAccounts(db, s);
  return rows.filter((r) => (!ids || ids.includes(r.externalId)) && (!onlyUnmapped || r.isMapped === 0)).map(toAccount);
}

export async function createAccounts(db: Db, s: Scope, accounts: AccountInput[], now: Date) {
  const at = now.toISOString();
  const results = await runBatch(db, accounts.map((a) => upsertAccountStatement(db, s, { id: newId("va"), externalId: a.id, name: a.name, description: a.description ?? null, at })));
  const ids = results.flatMap((r) => createdAccountIds(r));
  await autoMapNewAccounts(db, s.tenantId, ids, now);
  return accounts.map((a) => ({ id: a.id, name: a.name, description: a.description ?? "" }));
}

export async function updateAccount(db: Db, s: Scope, externalId: string, patch: { name?: string | undefined; description?: string | null | undefined }, now: Date) {
  const rows = await updateAccountStatement(db, s, externalId, patch, now.toISOString());
  const row = rows[0];
  if (!row) throw new AppError("not_found", `No account found with id: ${externalId}`);
  return toAccount(row);
}

export function toOrgService(row: { externalId: string; name: string; description: string | null; isMapped: number }) {
  return { id: row.externalId, name: row.name, description: row.description ?? "", isMapped: row.isMapped === 1 };
}

/** POST /organization/services: 409 if any id exists (Gradient's rule), else all are created. */
export async function createOrgServices(db: Db, s: Scope, items: AccountInput[], now: Date) {
  const existing = new Set((await listGradientServices(db, s, null)).map((r) => r.externalId));
  const taken = items.find((i) => existing.has(i.id));
  if (taken) throw new AppError("conflict", `Service with id ${taken.id} already exists`);
  const at = now.toISOString();
  await runBatch(db, items.flatMap((i) => insertGradientServiceStatements(db, s, {
    id: newId("vs"), externalId: i.id, name: i.name, scope: "organization", description: i.description ?? null, category: null, subcategory: null,
    supportArticle: null, supportContact: null, at,
  })));
  return items.map((i) => ({ id: i.id, name: i.name, description: i.description ?? "", isMapped: false }));
}

export async function listOrgServices(db: Db, s: Scope, ids: string[] | null, onlyUnmapped: boolean) {
  const rows = await listGradientServices(db, s, "organization");
  return rows.filter((r) => (!ids || ids.includes(r.externalId)) && (!onlyUnmapped || r.isMapped === 0)).map(toOrgService);
}

export async function clients(db: Db, tenantId: string, search: string | undefined, previousId: string | undefined) {
  const pageSize = 100;
  const rows = await listClients(db, tenantId, search, previousId, pageSize);
  const last = rows.length === pageSize ? rows[rows.length - 1]?.id ?? null : null;
  return {
    meta: { count: rows.length, previousId: previousId ?? null, nextPreviousId: last },
    clients: rows.map((r) => ({ id: r.id, name: r.name, identifier: r.identifier, domain: r.domain })),
  };
}
