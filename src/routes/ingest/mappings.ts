/**
 * Mapping endpoints (wire types in src/shared/api-types.ts): unmapped items
 * with suggestions, manual mappings (override wins, audited), accepting
 * suggestions, auto-match on demand, and the PSA pickers (companies, products).
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env.ts";
import { requireTenant } from "../../middleware/auth/index.ts";
import { type CountRule, parseCountRule } from "../../core/reconcile/count-rules.ts";
import { AppError } from "../../errors.ts";
import { autoMapAccounts } from "../../services/ingest/auto-map.ts";
import { ignoredAccounts, setAccountIgnored } from "../../services/ingest/ignore-accounts.ts";
import { previewMapping } from "../../services/ingest/mapping-preview.ts";
import { acceptSuggestions, listUnmapped, mapAccount, mapService, unmapAccount, unmapService } from "../../services/ingest/mapping.ts";
import { readStoredRule } from "../../db/repos/snapshot.ts";
import { findAccountMapping, findServiceMappingWithName, listAccountMappings, listCompanies, listProducts, listServiceMappings } from "../../db/repos/ingest-mappings.ts";
import type { CompanyListResponse, MapAccountResponse, ProductListResponse, ServiceMappingView } from "../../shared/api-types.ts";
import { readJson, readQuery } from "../parse.ts";

const ref = z.string().trim().min(1, "must not be empty").max(200);
const mapAccountSchema = z.strictObject({ accountId: ref, companyId: ref, agreementId: ref.nullable().optional() });
const ruleNumber = z.union([z.string().max(60), z.number()]);
/** The shape of a count rule; its meaning (ranges, order of min/max) is checked by parseCountRule, naming the field. */
const ruleSchema = z.strictObject({
  basis: z.string().max(40).optional(),
  multiplier: ruleNumber.optional(),
  offset: ruleNumber.optional(),
  round: z.strictObject({ mode: z.string().max(20).optional(), step: ruleNumber.optional() }).optional(),
  minimum: ruleNumber.nullable().optional(),
  maximum: ruleNumber.nullable().optional(),
  split: z.strictObject({ mode: z.string().max(20).optional(), quantity: ruleNumber.optional(), weight: ruleNumber.optional() }).optional(),
});
const mapServiceSchema = z.strictObject({ serviceId: ref, productKey: ref, rule: ruleSchema.optional() });
const acceptSchema = z
  .strictObject({
    accounts: z.array(z.strictObject({ accountId: ref, companyId: ref })).max(500).default([]),
    services: z.array(z.strictObject({ serviceId: ref, productKey: ref })).max(500).default([]),
  })
  .refine((b) => b.accounts.length + b.services.length > 0, "accept at least one suggestion");

export const mappingRoutes = new Hono<AppEnv>()
  .get("/api/v1/mappings/unmapped", requireTenant(), async (c) => {
    const query = readQuery(c, z.strictObject({ companyId: ref.optional() }));
    return c.json(await listUnmapped(c.get("db"), c.get("tenant").tenantId, query.companyId));
  })
  .get("/api/v1/mappings", requireTenant(), async (c) => {
    const { tenantId } = c.get("tenant");
    const [accounts, services] = await Promise.all([listAccountMappings(c.get("db"), tenantId), listServiceMappings(c.get("db"), tenantId)]);
    return c.json({
      accounts: accounts.map((r) => ({ ...pick(r.mapping), accountName: r.accountName, integrationId: r.integrationId, integrationName: r.integrationName })),
      services: services.map(toServiceMappingView),
    });
  })
  .get("/api/v1/mappings/services/:serviceId/:productKey", requireTenant(), async (c) => {
    const found = await findServiceMappingWithName(c.get("db"), c.get("tenant").tenantId, c.req.param("serviceId"), c.req.param("productKey"));
    if (!found) throw new AppError("not_found", "Service mapping not found");
    return c.json(toServiceMappingView(found));
  })
  .post("/api/v1/mappings/accounts", requireTenant(), async (c) => {
    const body = await readJson(c, mapAccountSchema);
    // The mapping it replaces, so the pod's Undo can restore it (null: Undo removes the mapping).
    const before = await findAccountMapping(c.get("db"), c.get("tenant").tenantId, body.accountId);
    const mapping = await mapAccount(c.get("db"), c.get("tenant"), body, new Date());
    const previous = before ? { companyId: before.companyId, agreementId: before.agreementId } : null;
    return c.json({ mapping, previous } satisfies MapAccountResponse, 200);
  })
  .post("/api/v1/mappings/preview", requireTenant(), async (c) => {
    const body = await readJson(c, z.union([mapServiceSchema, mapAccountSchema]));
    const req = "serviceId" in body ? { serviceId: body.serviceId, productKey: body.productKey, rule: readRule(body.rule) } : body;
    return c.json(await previewMapping(c.get("db"), c.get("tenant").tenantId, req, new Date()));
  })
  .get("/api/v1/mappings/ignored", requireTenant(), async (c) => c.json(await ignoredAccounts(c.get("db"), c.get("tenant").tenantId)))
  .put("/api/v1/mappings/ignored/:accountId", requireTenant(), async (c) => {
    await setAccountIgnored(c.get("db"), c.get("tenant"), c.req.param("accountId"), true, new Date());
    return c.body(null, 204);
  })
  .delete("/api/v1/mappings/ignored/:accountId", requireTenant(), async (c) => {
    await setAccountIgnored(c.get("db"), c.get("tenant"), c.req.param("accountId"), false, new Date());
    return c.body(null, 204);
  })
  .delete("/api/v1/mappings/accounts/:accountId", requireTenant(), async (c) => {
    await unmapAccount(c.get("db"), c.get("tenant"), c.req.param("accountId"), new Date());
    return c.body(null, 204);
  })
  .post("/api/v1/mappings/services", requireTenant(), async (c) => {
    const body = await readJson(c, mapServiceSchema);
    const { created, ...mapping } = await mapService(c.get("db"), c.get("tenant"), { serviceId: body.serviceId, productKey: body.productKey }, new Date(), undefined, readRule(body.rule));
    return c.json({ mapping, created }, 201);
  })
  .delete("/api/v1/mappings/services/:serviceId/:productKey", requireTenant(), async (c) => {
    await unmapService(c.get("db"), c.get("tenant"), c.req.param("serviceId"), c.req.param("productKey"), new Date());
    return c.body(null, 204);
  })
  .post("/api/v1/mappings/suggestions/accept", requireTenant(), async (c) => {
    const body = await readJson(c, acceptSchema);
    return c.json(await acceptSuggestions(c.get("db"), c.get("tenant"), body, new Date()));
  })
  .post("/api/v1/mappings/auto-match", requireTenant(), async (c) => {
    return c.json(await autoMapAccounts(c.get("db"), c.get("tenant").tenantId, new Date()));
  })
  .get("/api/v1/products", requireTenant(), async (c) => {
    const products = await listProducts(c.get("db"), c.get("tenant").tenantId);
    return c.json({ products } satisfies ProductListResponse);
  })
  .get("/api/v1/companies", requireTenant(), async (c) => {
    const rows = await listCompanies(c.get("db"), c.get("tenant").tenantId);
    return c.json({ companies: rows.map((r) => ({ companyId: r.id, name: r.name, identifier: r.identifier })) } satisfies CompanyListResponse);
  });

/** A rule's meaning checked once for saving and for previewing: a 400 names the field (`body.rule.round.step: …`). */
function readRule(input: z.infer<typeof ruleSchema> | undefined): CountRule | undefined {
  if (input === undefined) return undefined;
  const rule = parseCountRule(input, "body.rule");
  if (!rule.ok) throw new AppError("validation_failed", rule.error);
  return rule.value;
}

function toServiceMappingView(r: { mapping: { serviceId: string; productKey: string; rule: string | null; createdBy: string; createdAt: string }; serviceName: string }): ServiceMappingView {
  return { serviceId: r.mapping.serviceId, serviceName: r.serviceName, productKey: r.mapping.productKey, rule: readStoredRule(r.mapping.rule), createdBy: r.mapping.createdBy, createdAt: r.mapping.createdAt };
}

function pick(m: { accountId: string; companyId: string; agreementId: string | null; method: string; confidence: number | null; createdBy: string; createdAt: string }) {
  return { accountId: m.accountId, companyId: m.companyId, agreementId: m.agreementId, method: m.method, confidence: m.confidence, createdBy: m.createdBy, createdAt: m.createdAt };
}
