/**
 * Which file profile an import runs, and into which integration its counts go:
 * Partner Center files default to the tenant's "Microsoft Partner Center"
 * integration (deterministic id, created on first use); a generic `csv` import
 * uses a saved column profile, each bound to its own integration.
 */
import { futurePeriodError, periodOfInstant, previousPeriod } from "../../core/usage/date-cell.ts";
import type { CsvProfileRun } from "../../core/usage/csv-profile.ts";
import { createGenericProfile, type GenericCsvConfig } from "../../core/usage/generic-csv.ts";
import { createInvoiceProfile } from "../../core/usage/partner-center-invoice.ts";
import { createUsageProfile } from "../../core/usage/partner-center-usage.ts";
import type { Db } from "../../db/client.ts";
import { auditStatement } from "../../db/repos/audit.ts";
import { findIntegration, insertIntegrationStatement, type NewIntegration } from "../../db/repos/ingest-integrations.ts";
import { findProfile, insertProfileStatement, type ImportProfileRow } from "../../db/repos/ingest-imports.ts";
import { runBatch } from "../../db/repos/ingest-ledger.ts";
import type { TenantPrincipal } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { newId } from "../secrets.ts";
import type { ImportProfileInput, ImportQuery } from "./import-input.ts";
import { isUniqueViolation } from "./push.ts";

const IMPORTABLE_KINDS = new Set(["csv", "batch", "vendor-api"]);

export interface ResolvedProfile {
  run: CsvProfileRun;
  label: string;
  integrationId: string;
  ensureIntegration: NewIntegration | null;
  delimiter: string | undefined;
}

export async function resolveProfile(db: Db, tenantId: string, query: ImportQuery, now: Date): Promise<ResolvedProfile> {
  const future = query.period === undefined ? null : futurePeriodError(query.period, now);
  if (future) throw new AppError("validation_failed", `query.period: ${future}`);
  if (query.profile === "csv") {
    if (!query.profileId) throw new AppError("validation_failed", "query.profileId: required for profile csv (create one with POST /api/v1/import-profiles)");
    const saved = await findProfile(db, tenantId, query.profileId);
    if (!saved) throw new AppError("not_found", "query.profileId: import profile not found");
    const config = storedConfig(saved.config);
    // Without a period (query, column or date), a file is for the import's month — or, for an arrears
    // export (the profile's or the query's `arrears`), the month before it, which is the month it covers.
    const arrears = query.arrears ?? config.arrears ?? false;
    const fallback = arrears ? previousPeriod(periodOfInstant(now)) : periodOfInstant(now);
    const run = createGenericProfile(config, { period: query.period ?? fallback, periodFromQuery: query.period !== undefined });
    return { run, label: `csv "${saved.name}"`, integrationId: saved.integrationId, ensureIntegration: null, delimiter: config.delimiter };
  }
  const dateOrder = query.dateOrder ?? "MDY";
  const run = query.profile === "partner-center-invoice"
    ? createInvoiceProfile({ period: query.period, dateOrder })
    : createUsageProfile({ period: query.period, dateOrder, groupBy: query.groupBy ?? "subscription", measure: query.measure ?? "cost" });
  if (query.integrationId) {
    await checkImportable(db, tenantId, query.integrationId, "query.integrationId");
    return { run, label: query.profile, integrationId: query.integrationId, ensureIntegration: null, delimiter: undefined };
  }
  const ensure = { id: `int_pc_${tenantId}`, tenantId, kind: "csv", name: "Microsoft Partner Center (CSV)", status: "active", config: null, createdAt: now.toISOString() };
  return { run, label: query.profile, integrationId: ensure.id, ensureIntegration: ensure, delimiter: undefined };
}

/**
 * A saved profile's config. Profiles saved before formats were explicit
 * carry `dateOrder` and read only "." decimals: that is what they meant, so
 * it is kept as their declared format rather than re-guessed.
 */
export function storedConfig(json: string): GenericCsvConfig {
  const config = JSON.parse(json) as GenericCsvConfig & { dateOrder?: "MDY" | "DMY" | "YMD" };
  const legacy = { MDY: "M/D/YYYY", DMY: "D/M/YYYY", YMD: "YYYY-MM-DD" } as const;
  return {
    ...config,
    dateFormat: config.dateFormat ?? (config.dateOrder ? legacy[config.dateOrder] : undefined),
    decimalSeparator: config.decimalSeparator ?? ".",
  };
}

async function checkImportable(db: Db, tenantId: string, integrationId: string, field: string): Promise<void> {
  const integration = await findIntegration(db, tenantId, integrationId);
  if (!integration) throw new AppError("not_found", `${field}: integration not found`);
  if (integration.disconnectedAt) throw new AppError("conflict", `${field}: integration is disconnected`);
  if (!IMPORTABLE_KINDS.has(integration.kind)) throw new AppError("validation_failed", `${field}: counts of a ${integration.kind} integration come from its pulls`);
}

export async function createImportProfile(db: Db, who: TenantPrincipal, input: ImportProfileInput, now: Date): Promise<ImportProfileRow> {
  const at = now.toISOString();
  const { name, integrationId: requested, ...rest } = input;
  const config: GenericCsvConfig = { ...rest, currency: rest.currency?.toUpperCase() };
  const profileId = newId("prof");
  const integrationId = requested ?? newId("int");
  if (requested) await checkImportable(db, who.tenantId, requested, "body.integrationId");
  const row = { id: profileId, tenantId: who.tenantId, integrationId, name, config: JSON.stringify(config), createdBy: who.actor, createdAt: at };
  try {
    await runBatch(db, [
      ...(requested ? [] : [insertIntegrationStatement(db, { id: integrationId, tenantId: who.tenantId, kind: "csv", name: `${name} (CSV)`, status: "active", config: null, createdAt: at })]),
      insertProfileStatement(db, row),
      auditStatement(db, { tenantId: who.tenantId, at, actor: who.actor, action: "import-profile.created", entityType: "import_profile", entityId: profileId, details: { name, integrationId } }),
    ]);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", `body.name: an import profile named "${name}" exists`);
    throw error;
  }
  return row;
}

export function toProfileView(row: ImportProfileRow) {
  return { profileId: row.id, name: row.name, integrationId: row.integrationId, config: storedConfig(row.config), createdBy: row.createdBy, createdAt: row.createdAt };
}
