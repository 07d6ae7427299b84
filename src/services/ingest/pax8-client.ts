/**
 * Pax8 partner API pull (reference §4): OAuth client credentials
 * (`POST /v1/token` with client_id, client_secret, audience,
 * grant_type=client_credentials → access_token, expires_in), the token cached
 * sealed until a minute before expiry; Spring paging `?page=&size=` with
 * `page.totalPages`; companies, active subscriptions (seat quantity and
 * partnerCost per unit), and for usage-based subscriptions (productName
 * matching the integration's pattern, Azure by default) the usage summaries
 * (currentCharges, partnerTotal per resource group). A 401 on an API call
 * refreshes the token once; a rejected token request is a configuration error.
 *
 * Periods: seat subscriptions are counts in force now, recorded for the run's
 * month. Usage summaries are arrears — Pax8 closes a month's usage after it
 * ends (invoices "not sooner than the 5th", reference §4; the default sync day
 * is the 6th) — so they are recorded for the month they cover, the month
 * before the run, not the month they were pulled.
 */
import type { CountDraft } from "../../core/usage/count-draft.ts";
import { previousPeriod } from "../../core/usage/date-cell.ts";
import { ExactSum, parseDecimalCell } from "../../core/usage/exact-sum.ts";
import { parseJsonWithDecimals } from "../../core/usage/json-decimals.ts";
import { normalizeCurrency, toMinorUnits } from "../../core/usage/money.ts";
import type { Pax8Config, Pax8Credentials } from "./integration-config.ts";
import { describeFailure, type HttpBudget, PullError, vendorFetch } from "./vendor-http.ts";

export interface TokenStore {
  load(): Promise<string | null>;
  save(token: string, expiresAt: Date): Promise<void>;
  clear(): Promise<void>;
}

export interface PullContext {
  budget: HttpBudget;
  now: Date;
  period: string;
  sourceRef: string;
  warnings: string[];
}

const DECIMAL_KEYS = new Set(["quantity", "partnerCost", "price", "currentCharges", "partnerTotal"]);
const PAGE_SIZE = 200;
const MAX_PAGES = 500;

interface Company { id: string; name: string; website?: string | null }
interface Subscription { id: string; companyId: string; productId: string; productName?: string; quantity: string; partnerCost?: string | null; currencyCode?: string; status?: string }
interface UsageSummary { id: string; companyId: string; subscriptionId: string; resourceGroup?: string | null; currentCharges: string; partnerTotal?: string | null; currencyCode?: string }

export async function pullPax8(config: Pax8Config, credentials: Pax8Credentials, tokens: TokenStore, ctx: PullContext): Promise<CountDraft[]> {
  const api = createApi(config, credentials, tokens, ctx);
  const companies = new Map((await api.list<Company>("/companies", { sort: "name,ASC" })).map((c) => [c.id, c]));
  const subscriptions = await api.list<Subscription>("/subscriptions", { status: "Active" });
  const usagePattern = new RegExp(config.usageProductPattern, "i");
  const drafts: CountDraft[] = [];
  const seats = new Map<string, { subs: Subscription[] }>();
  for (const sub of subscriptions) {
    if (usagePattern.test(sub.productName ?? "")) {
      const summaries = await api.list<UsageSummary>(`/subscriptions/${encodeURIComponent(sub.id)}/usage-summaries`, {});
      for (const summary of summaries) drafts.push(usageDraft(summary, sub, companies, ctx));
      continue;
    }
    const key = `${sub.companyId}\u0000${sub.productId}`;
    const group = seats.get(key) ?? { subs: [] };
    group.subs.push(sub);
    seats.set(key, group);
  }
  for (const { subs } of seats.values()) {
    const draft = seatDraft(subs, companies, ctx);
    if (draft) drafts.push(draft);
  }
  return drafts;
}

function companyFields(companyId: string, companies: Map<string, Company>) {
  const company = companies.get(companyId);
  return { accountExternalId: companyId, accountName: company?.name ?? companyId, accountDescription: company?.website ?? null };
}

/** Σ quantity over the company's active subscriptions of the product; cost Σ partnerCost × quantity. */
function seatDraft(subs: Subscription[], companies: Map<string, Company>, ctx: PullContext): CountDraft | null {
  const first = subs[0] as Subscription;
  const quantity = new ExactSum();
  const cost = new ExactSum();
  let costKnown = true;
  for (const sub of subs) {
    const q = parseDecimalCell(String(sub.quantity));
    if (!q) {
      ctx.warnings.push(`subscription ${sub.id}: quantity "${String(sub.quantity)}" is not a number; product ${first.productId} of company ${first.companyId} not counted`);
      return null;
    }
    quantity.add(q);
    const unit = sub.partnerCost == null ? null : parseDecimalCell(String(sub.partnerCost));
    if (unit) cost.add({ units: unit.units * q.units, scale: unit.scale + q.scale });
    else costKnown = false;
  }
  const currency = normalizeCurrency(first.currencyCode ?? "");
  const minor = costKnown && currency ? toMinorUnits(cost, currency) : null;
  return {
    ...companyFields(first.companyId, companies),
    serviceExternalId: first.productId,
    serviceName: first.productName ?? first.productId,
    serviceCategory: "seat",
    serviceUnit: "seat",
    period: ctx.period,
    quantity: quantity.toDecimal(),
    costMinor: minor?.ok ? minor.value : null,
    costCurrency: minor?.ok ? currency : null,
    observedAt: ctx.now.toISOString(),
    sourceRef: ctx.sourceRef,
    lineCount: null,
  };
}

function usageDraft(summary: UsageSummary, sub: Subscription, companies: Map<string, Company>, ctx: PullContext): CountDraft {
  const group = summary.resourceGroup?.trim() || "-";
  const charges = parseDecimalCell(String(summary.currentCharges));
  if (!charges) throw new PullError(`usage summary ${summary.id}: currentCharges "${String(summary.currentCharges)}" is not a number`, false);
  const currency = normalizeCurrency(summary.currencyCode ?? sub.currencyCode ?? "");
  const partnerTotal = summary.partnerTotal == null ? null : parseDecimalCell(String(summary.partnerTotal));
  const minor = partnerTotal && currency ? toMinorUnits(partnerTotal, currency) : null;
  const charged = new ExactSum();
  charged.add(charges);
  return {
    ...companyFields(summary.companyId, companies),
    serviceExternalId: `usage:${summary.subscriptionId}:${group}`,
    serviceName: `${sub.productName ?? "Usage"} / ${group}`,
    serviceCategory: "consumption",
    serviceUnit: currency,
    period: previousPeriod(ctx.period),
    quantity: charged.toDecimal(),
    costMinor: minor?.ok ? minor.value : null,
    costCurrency: minor?.ok ? currency : null,
    observedAt: ctx.now.toISOString(),
    sourceRef: ctx.sourceRef,
    lineCount: null,
  };
}

function createApi(config: Pax8Config, credentials: Pax8Credentials, tokens: TokenStore, ctx: PullContext) {
  async function token(refresh: boolean): Promise<string> {
    const cached = refresh ? null : await tokens.load();
    if (cached) return cached;
    const response = await vendorFetch("Pax8", ctx.budget, () => new Request(config.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ client_id: credentials.clientId, client_secret: credentials.clientSecret, audience: config.audience, grant_type: "client_credentials" }),
    }));
    if (!response.ok) throw new PullError(`Pax8 token request failed: ${await describeFailure("Pax8", response)}`, response.status >= 500);
    const body = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!body.access_token) throw new PullError("Pax8 token response has no access_token", false);
    await tokens.save(body.access_token, new Date(ctx.now.getTime() + (body.expires_in ?? 3600) * 1000));
    return body.access_token;
  }

  async function getJson(path: string, query: Record<string, string>): Promise<unknown> {
    const url = `${config.baseUrl}${path}?${new URLSearchParams(query)}`;
    for (let refresh = false; ; refresh = true) {
      const bearer = await token(refresh);
      const response = await vendorFetch("Pax8", ctx.budget, () => new Request(url, { headers: { authorization: `Bearer ${bearer}`, accept: "application/json" } }));
      if (response.status === 401 && !refresh) {
        await response.body?.cancel();
        await tokens.clear();
        continue;
      }
      if (!response.ok) throw new PullError(await describeFailure("Pax8", response), response.status >= 500);
      return parseJsonWithDecimals(await response.text(), DECIMAL_KEYS);
    }
  }

  async function list<T>(path: string, query: Record<string, string>): Promise<T[]> {
    const items: T[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = (await getJson(path, { ...query, page: String(page), size: String(PAGE_SIZE) })) as { content?: T[]; page?: { totalPages?: number } };
      const content = body.content ?? [];
      items.push(...content);
      if (content.length === 0 || page + 1 >= (body.page?.totalPages ?? 0)) return items;
    }
    throw new PullError(`Pax8 ${path}: more than ${MAX_PAGES} pages`, false);
  }

  return { list };
}
