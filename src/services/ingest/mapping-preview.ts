/**
 * What a mapping would do before it is saved (issue 9 §3): the affected
 * recompute scopes are reconciled in memory with the mapping applied
 * (recon-input.ts loadScopeInput → engine reconcile, the recompute's own two
 * passes for estimated prices) and diffed against their persisted rows, made
 * current first. Read-only: nothing is written.
 *
 * Affected scopes: a service mapping → every company whose mapped accounts
 * report the service (first 25 by id, `truncated` beyond); an account mapping
 * → the new company, the company it leaves (if any) and the account's own
 * unmapped scope (whose rows disappear).
 */
import { type CountRule, isDefaultRule } from "../../core/reconcile/count-rules.ts";
import { reconcile } from "../../core/reconcile/engine.ts";
import { toIsoDate } from "../../core/shared/dates.ts";
import type { ReconcileInput, ReconRow } from "../../core/reconcile/types.ts";
import type { Db } from "../../db/client.ts";
import { findAccountMapping, findVendorAccount, findVendorService } from "../../db/repos/ingest-mappings.ts";
import { listMappingsOfServices, listServiceScopes, readScopeRows } from "../../db/repos/mapping-preview.ts";
import { accountScope, loadCatalog, loadScopeInput } from "../../db/repos/recon-input.ts";
import { AppError } from "../../errors.ts";
import type { MapAccountRequest, MappingPreviewChange, MappingPreviewResponse, MapServiceRequest, PreviewFigures } from "../../shared/api-types.ts";
import { ensureScopeFresh } from "../recon/recompute.ts";
import { totalsOf } from "../reconciliation.ts";

const MAX_SCOPES = 25;
type Input = Omit<ReconcileInput, "now">;

/** A service mapping to preview, with the count rule it would have (absent: the mapping's current rule, or none). */
export type ServicePreview = Pick<MapServiceRequest, "serviceId" | "productKey"> & { rule?: CountRule };

export async function previewMapping(db: Db, tenantId: string, req: MapAccountRequest | ServicePreview, now: Date): Promise<MappingPreviewResponse> {
  const plan = "serviceId" in req ? await planService(db, tenantId, req) : await planAccount(db, tenantId, req, now);
  const changes: MappingPreviewChange[] = [];
  const before: ReconRow[] = [];
  const after: ReconRow[] = [];
  for (const [scope, edit] of plan.scopes) {
    await ensureScopeFresh(db, tenantId, scope, now);
    const old = await readScopeRows(db, tenantId, scope);
    const { input } = await loadScopeInput(db, tenantId, scope, now);
    const fresh = edit === "empty" ? [] : await reconcileInMemory(db, tenantId, edit(input), now);
    const diff = diffRows(old, fresh);
    changes.push(...diff.changes);
    before.push(...diff.before);
    after.push(...diff.after);
  }
  return { changes, totals: totalsDelta(before, after), truncated: plan.truncated };
}

type Edit = ((input: Input) => Input) | "empty";

/**
 * A new mapping is added; an existing one (same service and product) is
 * replaced, so a rule change is previewed against the rule in force (issue 12
 * §5) and a mapping is never counted twice.
 */
async function planService(db: Db, tenantId: string, req: ServicePreview) {
  if (!(await findVendorService(db, tenantId, req.serviceId))) throw new AppError("not_found", "body.serviceId: vendor service not found");
  const scopes = await listServiceScopes(db, tenantId, req.serviceId, MAX_SCOPES);
  const same = (m: { serviceId: string; productKey: string }) => m.serviceId === req.serviceId && m.productKey === req.productKey;
  const add: Edit = (input) => {
    const existing = input.serviceMappings.find(same);
    const rule = req.rule === undefined ? existing?.rule : isDefaultRule(req.rule) ? undefined : req.rule;
    const mapping = rule === undefined ? { serviceId: req.serviceId, productKey: req.productKey } : { serviceId: req.serviceId, productKey: req.productKey, rule };
    return { ...input, serviceMappings: [...input.serviceMappings.filter((m) => !same(m)), mapping] };
  };
  return { scopes: new Map<string, Edit>(scopes.slice(0, MAX_SCOPES).map((s) => [s, add])), truncated: scopes.length > MAX_SCOPES };
}

async function planAccount(db: Db, tenantId: string, req: MapAccountRequest, now: Date) {
  const [account, previous] = await Promise.all([findVendorAccount(db, tenantId, req.accountId), findAccountMapping(db, tenantId, req.accountId)]);
  if (!account) throw new AppError("not_found", "body.accountId: vendor account not found");
  const id = req.accountId;
  // The account's usage as engine input: from its own scope while unmapped, else from the company it is mapped to.
  const source = (await loadScopeInput(db, tenantId, previous ? previous.companyId : accountScope(id), now)).input;
  const counts = source.counts.filter((c) => c.accountId === id);
  const serviceIds = new Set(counts.map((c) => c.serviceId));
  const productMappings = await listMappingsOfServices(db, tenantId, [...serviceIds]);
  const mapping = { accountId: id, companyId: req.companyId, agreementId: req.agreementId ?? null };
  const join: Edit = (input) => ({
    ...input,
    accounts: [...input.accounts.filter((a) => a.id !== id), ...source.accounts.filter((a) => a.id === id)],
    counts: [...input.counts.filter((c) => c.accountId !== id), ...counts],
    services: unique([...input.services, ...source.services.filter((s) => serviceIds.has(s.id))], (s) => s.id),
    serviceMappings: unique([...input.serviceMappings, ...productMappings], (m) => `${m.serviceId}|${m.productKey}`),
    accountMappings: [...input.accountMappings.filter((m) => m.accountId !== id), mapping],
    aggregates: { suspect: new Map([...(input.aggregates?.suspect ?? []), ...(source.aggregates?.suspect ?? [])]), catalog: new Map() },
  });
  const leave: Edit = (input) => ({
    ...input,
    accounts: input.accounts.filter((a) => a.id !== id),
    counts: input.counts.filter((c) => c.accountId !== id),
    accountMappings: input.accountMappings.filter((m) => m.accountId !== id),
  });
  const scopes = new Map<string, Edit>([[req.companyId, join]]);
  if (previous && previous.companyId !== req.companyId) scopes.set(previous.companyId, leave);
  if (!previous) scopes.set(accountScope(id), "empty");
  return { scopes, truncated: false };
}

/** The recompute's two passes: rows with no line of their own are priced from the tenant-wide estimate. */
async function reconcileInMemory(db: Db, tenantId: string, input: Input, now: Date): Promise<ReconRow[]> {
  const first = reconcile({ now, ...input });
  const needed = [...new Set(first.filter((r) => r.lines.length === 0 && r.productKey !== null).map((r) => r.productKey as string))];
  if (needed.length === 0) return first;
  const catalog = await loadCatalog(db, tenantId, needed, toIsoDate(now));
  return reconcile({ now, ...input, aggregates: { suspect: input.aggregates?.suspect ?? new Map(), catalog } });
}

function figures(r: ReconRow): PreviewFigures {
  return {
    status: r.status, psaQuantity: r.psaQuantity, vendorQuantity: r.vendorQuantity, variance: r.variance,
    monthlyImpactMinor: r.monthlyImpactMinor, currency: r.currency, priceSource: r.priceSource,
  };
}

const same = (a: PreviewFigures, b: PreviewFigures) => (Object.keys(a) as Array<keyof PreviewFigures>).every((k) => a[k] === b[k]);

export function diffRows(old: readonly ReconRow[], fresh: readonly ReconRow[]) {
  const byKey = new Map(old.map((r) => [r.key, r]));
  const changes: MappingPreviewChange[] = [];
  const before: ReconRow[] = [];
  const after: ReconRow[] = [];
  const describe = (r: ReconRow) => ({ key: r.key, title: r.productName ?? r.sources[0]?.serviceName ?? r.key, companyName: r.companyName, agreementName: r.agreementName });
  for (const r of fresh) {
    const was = byKey.get(r.key);
    byKey.delete(r.key);
    if (was && same(figures(was), figures(r))) continue;
    changes.push({ ...describe(r), change: was ? "changes" : "appears", before: was ? figures(was) : null, after: figures(r) });
    if (was) before.push(was);
    after.push(r);
  }
  for (const was of byKey.values()) {
    changes.push({ ...describe(was), change: "disappears", before: figures(was), after: null });
    before.push(was);
  }
  return { changes, before, after };
}

function totalsDelta(before: readonly ReconRow[], after: readonly ReconRow[]): MappingPreviewResponse["totals"] {
  const out = new Map<string, { currency: string; underBilledDeltaMinor: number; overBilledDeltaMinor: number }>();
  const add = (rows: readonly ReconRow[], sign: number) => {
    for (const t of totalsOf(rows)) {
      const e = out.get(t.currency) ?? { currency: t.currency, underBilledDeltaMinor: 0, overBilledDeltaMinor: 0 };
      e.underBilledDeltaMinor += sign * t.underBilledMonthlyMinor;
      e.overBilledDeltaMinor += sign * t.overBilledMonthlyMinor;
      out.set(t.currency, e);
    }
  };
  add(after, 1);
  add(before, -1);
  return [...out.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1));
}

function unique<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
