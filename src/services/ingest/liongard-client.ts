/**
 * Liongard pull (reference §6.1): header `X-ROAR-API-KEY` =
 * Base64("AccessKeyID:AccessKeySecret"); exact paths (a trailing slash earns a
 * 301 that loses the header); `POST /api/v2/metrics/evaluate` per mapped
 * metric — "No need for filters/sorting, but include an empty array in the
 * request" — paged with `Pagination {Page, PageSize}` until `HasMoreRows` is
 * false, answering `{Data:[…], TotalRows, HasMoreRows}` like the v1 lists.
 *
 * Each row is one system's value of the metric; the count is the sum per
 * environment (Gradient's model: environment → account, metric → service).
 * If any system of an environment has no numeric value (a failed inspection),
 * that environment's count is not written — a partial sum would look like a
 * real decrease — and the run records a warning naming it.
 */
import type { CountDraft } from "../../core/usage/count-draft.ts";
import { ExactSum, parseDecimalCell } from "../../core/usage/exact-sum.ts";
import { parseJsonWithDecimals } from "../../core/usage/json-decimals.ts";
import type { LiongardConfig, LiongardCredentials, LiongardMetric } from "./integration-config.ts";
import type { PullContext } from "./pax8-client.ts";
import { describeFailure, PullError, vendorFetch } from "./vendor-http.ts";

const PAGE_SIZE = 100;
const MAX_PAGES = 200;

interface MetricValue {
  EnvironmentID: number | string;
  EnvironmentName?: string;
  SystemID?: number | string;
  Value: unknown;
}

interface EnvironmentTotal {
  name: string;
  total: ExactSum;
  invalid: string | null;
}

export async function pullLiongard(config: LiongardConfig, credentials: LiongardCredentials, ctx: PullContext): Promise<CountDraft[]> {
  const apiKey = btoa(`${credentials.accessKeyId}:${credentials.accessKeySecret}`);
  const drafts: CountDraft[] = [];
  for (const metric of config.metrics) {
    const totals = await evaluateMetric(config.baseUrl, apiKey, metric, ctx);
    for (const [environmentId, env] of totals) {
      if (env.invalid) {
        ctx.warnings.push(`metric ${metric.metric}, environment ${env.name} (${environmentId}): ${env.invalid}; count not written`);
        continue;
      }
      drafts.push({
        accountExternalId: environmentId,
        accountName: env.name,
        accountDescription: null,
        serviceExternalId: metric.metric,
        serviceName: metric.serviceName,
        serviceCategory: metric.category,
        serviceUnit: null,
        period: ctx.period,
        quantity: env.total.toDecimal(),
        costMinor: null,
        costCurrency: null,
        observedAt: ctx.now.toISOString(),
        sourceRef: ctx.sourceRef,
        lineCount: null,
      });
    }
  }
  return drafts;
}

async function evaluateMetric(baseUrl: string, apiKey: string, metric: LiongardMetric, ctx: PullContext): Promise<Map<string, EnvironmentTotal>> {
  const totals = new Map<string, EnvironmentTotal>();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const response = await vendorFetch("Liongard", ctx.budget, () => new Request(`${baseUrl}/api/v2/metrics/evaluate`, {
      method: "POST",
      headers: { "X-ROAR-API-KEY": apiKey, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ Metrics: [metric.metric], Filters: [], Sorting: [], Pagination: { Page: page, PageSize: PAGE_SIZE } }),
    }));
    if (!response.ok) throw new PullError(await describeFailure("Liongard", response), response.status >= 500);
    const body = parseJsonWithDecimals(await response.text(), new Set(["Value"])) as { Data?: MetricValue[]; HasMoreRows?: boolean };
    const rows = body.Data ?? [];
    for (const row of rows) addValue(totals, row);
    if (!body.HasMoreRows || rows.length === 0) return totals;
  }
  throw new PullError(`Liongard metric ${metric.metric}: more than ${MAX_PAGES} pages`, false);
}

function addValue(totals: Map<string, EnvironmentTotal>, row: MetricValue): void {
  const id = String(row.EnvironmentID);
  const entry = totals.get(id) ?? { name: row.EnvironmentName?.trim() || id, total: new ExactSum(), invalid: null };
  totals.set(id, entry);
  const value = typeof row.Value === "string" ? parseDecimalCell(row.Value) : null;
  if (!value || value.units < 0n) entry.invalid ??= `system ${String(row.SystemID ?? "?")} has no numeric value (${JSON.stringify(row.Value)})`;
  else entry.total.add(value);
}
