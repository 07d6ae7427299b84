/**
 * Mapping vendor accounts to PSA companies and vendor services to PSA
 * products, by hand or by accepting a suggestion. A manual mapping replaces
 * any mapping the account had (manual override wins) and every change is
 * audited in the same batch. Reconciliation is computed on read from these
 * tables, so the affected agreements are re-reconciled by the next request.
 */
import { type PreparedCandidate, prepareCandidates, rankMatches } from "../../core/usage/name-match.ts";
import type { Db } from "../../db/client.ts";
import { auditStatement } from "../../db/repos/audit.ts";
import {
  auditIfInsertedStatement,
  deleteAccountMappingStatement,
  deleteServiceMappingStatement,
  findAccountMapping,
  findAgreementOfCompany,
  findCompany,
  findServiceMapping,
  findVendorAccount,
  findVendorService,
  listCompanies,
  listProducts,
  listUnmappedAccounts,
  listUnmappedServices,
  productExists,
  upsertManualMappingStatement,
  insertServiceMappingStatement,
} from "../../db/repos/ingest-mappings.ts";
import type { TenantPrincipal } from "../../env.ts";
import { AppError } from "../../errors.ts";
import type { MapAccountRequest, MapServiceRequest, UnmappedResponse } from "../../shared/api-types.ts";
import { changesOf, runBatch } from "../../db/repos/ingest-ledger.ts";
import { newId } from "../secrets.ts";
import { decideAccount } from "./auto-map.ts";
import { type CountRule, DEFAULT_RULE } from "../../core/reconcile/count-rules.ts";
import { changeServiceRule, storedRule } from "./count-rules.ts";

export interface AccountMappingView {
  accountId: string;
  companyId: string;
  agreementId: string | null;
  method: "manual" | "auto";
  confidence: number | null;
  createdBy: string;
  createdAt: string;
}

export async function mapAccount(db: Db, who: TenantPrincipal, req: MapAccountRequest, now: Date, accepted?: { confidence: number }): Promise<AccountMappingView> {
  const [account, company, previous] = await Promise.all([
    findVendorAccount(db, who.tenantId, req.accountId),
    findCompany(db, who.tenantId, req.companyId),
    findAccountMapping(db, who.tenantId, req.accountId),
  ]);
  if (!account) throw new AppError("not_found", "body.accountId: vendor account not found");
  if (!company) throw new AppError("not_found", "body.companyId: company not found");
  const agreementId = req.agreementId ?? null;
  if (agreementId) {
    const agreement = await findAgreementOfCompany(db, who.tenantId, agreementId);
    if (!agreement) throw new AppError("not_found", "body.agreementId: agreement not found");
    if (agreement.companyId !== company.id) throw new AppError("validation_failed", "body.agreementId: agreement belongs to another company");
  }
  const at = now.toISOString();
  const view: AccountMappingView = { accountId: account.id, companyId: company.id, agreementId, method: "manual", confidence: accepted?.confidence ?? null, createdBy: who.actor, createdAt: at };
  const from = previous ? { companyId: previous.companyId, agreementId: previous.agreementId, method: previous.method, confidence: previous.confidence } : null;
  await runBatch(db, [
    upsertManualMappingStatement(db, { id: newId("amap"), tenantId: who.tenantId, ...view }),
    auditStatement(db, {
      tenantId: who.tenantId, at, actor: who.actor, action: accepted ? "mapping.account.suggestion-accepted" : "mapping.account.set",
      entityType: "vendor_account", entityId: account.id, details: { accountName: account.name, from, to: { companyId: company.id, agreementId, confidence: view.confidence } },
    }),
  ]);
  return view;
}

export async function unmapAccount(db: Db, who: TenantPrincipal, accountId: string, now: Date): Promise<void> {
  const previous = await findAccountMapping(db, who.tenantId, accountId);
  if (!previous) throw new AppError("not_found", "Account mapping not found");
  const at = now.toISOString();
  await runBatch(db, [
    deleteAccountMappingStatement(db, who.tenantId, accountId),
    auditStatement(db, { tenantId: who.tenantId, at, actor: who.actor, action: "mapping.account.removed", entityType: "vendor_account", entityId: accountId, details: { companyId: previous.companyId, agreementId: previous.agreementId, method: previous.method } }),
  ]);
}

export async function mapService(
  db: Db,
  who: TenantPrincipal,
  req: MapServiceRequest,
  now: Date,
  action = "mapping.service.added",
  rule?: CountRule,
): Promise<{ serviceId: string; productKey: string; created: boolean; rule: CountRule }> {
  const [service, known] = await Promise.all([findVendorService(db, who.tenantId, req.serviceId), productExists(db, who.tenantId, req.productKey)]);
  if (!service) throw new AppError("not_found", "body.serviceId: vendor service not found");
  if (!known) throw new AppError("validation_failed", `body.productKey: no agreement line has product "${req.productKey}" (see GET /api/v1/products)`);
  const at = now.toISOString();
  const mappingId = newId("smap");
  const results = await runBatch(db, [
    insertServiceMappingStatement(db, { id: mappingId, tenantId: who.tenantId, serviceId: service.id, productKey: req.productKey, rule: storedRule(rule), createdBy: who.actor, createdAt: at }),
    auditIfInsertedStatement(db, "service_mappings", mappingId, {
      tenantId: who.tenantId, at, actor: who.actor, action, entityType: "vendor_service", entityId: service.id, details: { serviceName: service.name, productKey: req.productKey, rule: rule ?? DEFAULT_RULE },
    }),
  ]);
  const created = changesOf(results[0]) > 0;
  // An existing mapping given a rule: the rule changes (audited before → after).
  const current = created || rule === undefined ? (rule ?? DEFAULT_RULE) : await changeServiceRule(db, who, service, req.productKey, rule, at);
  return { serviceId: service.id, productKey: req.productKey, created, rule: current };
}

export async function unmapService(db: Db, who: TenantPrincipal, serviceId: string, productKey: string, now: Date): Promise<void> {
  if (!(await findServiceMapping(db, who.tenantId, serviceId, productKey))) throw new AppError("not_found", "Service mapping not found");
  const at = now.toISOString();
  await runBatch(db, [
    deleteServiceMappingStatement(db, who.tenantId, serviceId, productKey),
    auditStatement(db, { tenantId: who.tenantId, at, actor: who.actor, action: "mapping.service.removed", entityType: "vendor_service", entityId: serviceId, details: { productKey } }),
  ]);
}

export async function listUnmapped(db: Db, tenantId: string, companyId?: string): Promise<UnmappedResponse> {
  const [accounts, services, companies, products] = await Promise.all([
    listUnmappedAccounts(db, tenantId),
    listUnmappedServices(db, tenantId, companyId),
    listCompanies(db, tenantId),
    listProducts(db, tenantId),
  ]);
  const preparedCompanies = prepareCandidates(companies);
  const companyNames = new Map(companies.map((c) => [c.id, c.name]));
  const preparedProducts = prepareCandidates(products.map((p) => ({ id: p.productKey, name: p.productName, identifier: p.productKey })));
  const productNames = new Map(products.map((p) => [p.productKey, p.productName]));
  const accountViews = accounts.map((a) => ({
    accountId: a.accountId, integrationId: a.integrationId, integrationName: a.integrationName, externalId: a.externalId, name: a.name,
    suggestions: decideAccount(a, preparedCompanies).suggestions.map((s) => ({ companyId: s.id, companyName: companyNames.get(s.id) ?? s.id, confidence: s.confidence })),
  }));
  return {
    accounts: companyId ? rankForCompany(accountViews, companyId) : accountViews,
    services: services.map((s) => ({
      serviceId: s.serviceId, integrationId: s.integrationId, integrationName: s.integrationName, externalId: s.externalId, name: s.name,
      category: s.category === "consumption" ? "consumption" : "seat",
      suggestions: suggestProducts(s.name, preparedProducts).map((m) => ({ productKey: m.id, productName: productNames.get(m.id) ?? m.id, confidence: m.confidence })),
    })),
  };
}

/**
 * On a company's screen every unmapped account stays listed (it may belong
 * there even without a suggestion), those suggested for the company first,
 * best confidence first; the rest keep their name order.
 */
function rankForCompany<T extends { suggestions: Array<{ companyId: string; confidence: number }> }>(accounts: T[], companyId: string): T[] {
  const score = (a: T) => a.suggestions.find((s) => s.companyId === companyId)?.confidence ?? -1;
  return accounts.map((a, i) => ({ a, i, s: score(a) })).sort((x, y) => y.s - x.s || x.i - y.i).map((x) => x.a);
}

export function suggestProducts(serviceName: string, products: readonly PreparedCandidate[]) {
  return rankMatches({ name: serviceName, hints: [] }, products).suggestions;
}

export interface AcceptInput {
  accounts: Array<{ accountId: string; companyId: string }>;
  services: Array<{ serviceId: string; productKey: string }>;
}

/**
 * Accepting applies exactly what was suggested; anything else is a 409 (use
 * the manual endpoints). Every item is checked before any is applied.
 */
export async function acceptSuggestions(db: Db, who: TenantPrincipal, input: AcceptInput, now: Date) {
  const unmapped = await listUnmapped(db, who.tenantId);
  const confidences = input.accounts.map((item, i) => {
    const suggestion = unmapped.accounts.find((a) => a.accountId === item.accountId)?.suggestions.find((s) => s.companyId === item.companyId);
    if (!suggestion) throw new AppError("conflict", `body.accounts[${i}]: no open suggestion maps ${item.accountId} to ${item.companyId}`);
    return suggestion.confidence;
  });
  input.services.forEach((item, i) => {
    const open = unmapped.services.find((s) => s.serviceId === item.serviceId)?.suggestions.some((s) => s.productKey === item.productKey);
    if (!open) throw new AppError("conflict", `body.services[${i}]: no open suggestion maps ${item.serviceId} to ${item.productKey}`);
  });
  const accounts = [];
  for (const [i, item] of input.accounts.entries()) {
    accounts.push(await mapAccount(db, who, { accountId: item.accountId, companyId: item.companyId }, now, { confidence: confidences[i] ?? 0 }));
  }
  const services = [];
  for (const item of input.services) services.push(await mapService(db, who, item, now, "mapping.service.suggestion-accepted"));
  return { accounts, services };
}
