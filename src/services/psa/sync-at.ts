/**
 * Autotask sync (psa-and-vendor-apis.md §3.2–§3.3). Autotask has no webhooks
 * for contracts or their services (§3.4), so contracts are polled: every
 * active Recurring Service contract is listed with one filtered query
 * (nextPageUrl paging, 500 per page) and re-read in chunks of 100 with four
 * bulk queries per chunk — Companies, ContractServices, the current period's
 * ContractServiceUnits and Services — which keeps a whole sync to a few dozen
 * of the database's 10,000 hourly requests. A run first asks
 * ThresholdInformation and waits when the database (all integrations
 * together) is above 90% of its hourly threshold. Incremental and full runs read
 * the same set (Contracts carry no last-modified field to filter on).
 */
import {
  AT_CONTRACT_STATUS_ACTIVE,
  AT_CONTRACT_TYPE_RECURRING,
  type AtContract,
  atCompanySchema,
  atContractSchema,
  atContractServiceSchema,
  atContractServiceUnitSchema,
  type AtFields,
  atServiceSchema,
} from "../../core/psa/at-records.ts";
import { assertListingComplete, massCancelAlert } from "../../core/psa/listing-guard.ts";
import { mapAtCompany, mapAtContract, mapAtContractServices } from "../../core/psa/at-map.ts";
import type { Db } from "../../db/client.ts";
import {
  agreementSnapshotStatements,
  listKnownAgreements,
  markAgreementGoneStatement,
  runGroupedBatches,
  type Statement,
  type SyncStamp,
  upsertCompanyStatement,
} from "../../db/repos/psa-records.ts";
import type { AtClient, AtFilter } from "./at-client.ts";
import { PsaHttpError } from "./http.ts";
import { type AtChunk, chunksOf } from "./jobs.ts";
import type { Tally } from "./sync-cw.ts";

const CHUNK = 100;
/** Autotask has no per-contract currency on these entities; multi-currency is not handled yet. */
const DEFAULT_CURRENCY = "USD";

const ACTIVE_RECURRING: AtFilter[] = [
  { op: "eq", field: "contractType", value: AT_CONTRACT_TYPE_RECURRING },
  { op: "eq", field: "status", value: AT_CONTRACT_STATUS_ACTIVE },
];

/** Only the picklist the mapping needs travels in chunk messages. */
function periodTypeFields(fields: AtFields): AtFields {
  return { fields: fields.fields.filter((f) => f.name === "contractPeriodType") };
}

/** Share of the database's hourly threshold above which a sync waits: other integrations use it too. */
const THRESHOLD_SHARE = 0.9;

/** Defers the sync (as a 429 to retry later) when the whole database is near Autotask's hourly limit. */
async function checkDatabaseThreshold(client: AtClient): Promise<void> {
  const t = await client.threshold();
  if (t.currentTimeframeRequestCount >= t.externalRequestThreshold * THRESHOLD_SHARE) {
    throw new PsaHttpError(429, t, 900, `Autotask database is at ${t.currentTimeframeRequestCount} of ${t.externalRequestThreshold} requests this hour`);
  }
}

/** A full listing: complete (every page, matching the PSA's count) before anything is marked inactive. */
export async function listAtRun(db: Db, client: AtClient, stamp: SyncStamp): Promise<{ chunks: AtChunk[]; statements: Statement[]; alert: string | null }> {
  await checkDatabaseThreshold(client);
  const fields = periodTypeFields(await client.fields("Contracts"));
  const { items: contracts, read } = await client.queryAll("Contracts", ACTIVE_RECURRING, atContractSchema);
  assertListingComplete("Autotask", "contracts", read, await client.count("Contracts", ACTIVE_RECURRING));
  const listed = new Set(contracts.map((c) => String(c.id)));
  const active = (await listKnownAgreements(db, stamp.tenantId, "autotask")).filter((k) => k.active);
  const gone = active.filter((k) => !listed.has(k.psaId));
  const alert = massCancelAlert("Autotask", gone.length, active.length);
  const statements = alert ? [] : gone.map((k) => markAgreementGoneStatement(db, stamp, k.psaId, "Inactive"));
  return { chunks: chunksOf(contracts, CHUNK).map((chunk) => ({ psa: "autotask" as const, contracts: chunk, fields })), statements, alert };
}

function ids(values: Iterable<number>): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** Re-reads a set of contracts with four bulk queries and stores them with their services. */
export async function syncAtChunk(db: Db, client: AtClient, stamp: SyncStamp, chunk: AtChunk): Promise<Tally> {
  const contractIds = ids(chunk.contracts.map((c) => c.id));
  if (contractIds.length === 0) return { agreements: 0, lines: 0 };
  const companies = await client.query("Companies", [{ op: "in", field: "id", value: ids(chunk.contracts.map((c) => c.companyID)) }], atCompanySchema);
  const services = await client.query("ContractServices", [{ op: "in", field: "contractID", value: contractIds }], atContractServiceSchema);
  const units = await client.query(
    "ContractServiceUnits",
    [
      { op: "in", field: "contractID", value: contractIds },
      { op: "lte", field: "startDate", value: `${stamp.today}T23:59:59Z` },
      { op: "gte", field: "endDate", value: `${stamp.today}T00:00:00Z` },
    ],
    atContractServiceUnitSchema,
  );
  const serviceIds = ids(services.map((s) => s.serviceID));
  const catalog = serviceIds.length > 0 ? await client.query("Services", [{ op: "in", field: "id", value: serviceIds }], atServiceSchema) : [];
  const catalogById = new Map(catalog.map((s) => [s.id, s]));
  const companyById = new Map(companies.map((c) => [c.id, c]));
  const groups: Statement[][] = [];
  const tally: Tally = { agreements: 0, lines: 0 };
  for (const contract of chunk.contracts) {
    const record = mapAtContract(contract, mapAtCompany(companyById.get(contract.companyID), contract.companyID), chunk.fields, DEFAULT_CURRENCY);
    const mapped = mapAtContractServices(services.filter((s) => s.contractID === contract.id), catalogById, units, stamp.today);
    for (const r of mapped.rejected) console.warn("autotask contract service skipped", contract.id, r.psaId, r.reason);
    groups.push(agreementSnapshotStatements(db, stamp, record, record.recurringActive ? mapped.lines : null));
    tally.agreements += 1;
    tally.lines += mapped.lines.length;
  }
  await runGroupedBatches(db, groups);
  return tally;
}

/** Fetch-on-notify for contracts matching `filter` (a company's, or one contract after a write-back). */
export async function syncAtContracts(db: Db, client: AtClient, stamp: SyncStamp, filter: AtFilter[]): Promise<Tally> {
  const contracts: AtContract[] = await client.query("Contracts", [...filter, ...ACTIVE_RECURRING], atContractSchema);
  if (contracts.length === 0) return { agreements: 0, lines: 0 };
  const fields = periodTypeFields(await client.fields("Contracts"));
  return syncAtChunk(db, client, stamp, { psa: "autotask", contracts, fields });
}

/** A Company webhook: refresh the company's name, then its contracts. */
export async function syncAtCompany(db: Db, client: AtClient, stamp: SyncStamp, companyId: number): Promise<Tally> {
  const tally = await syncAtContracts(db, client, stamp, [{ op: "eq", field: "companyID", value: companyId }]);
  if (tally.agreements > 0) return tally;
  const companies = await client.query("Companies", [{ op: "eq", field: "id", value: companyId }], atCompanySchema);
  const company = companies[0];
  if (company) await upsertCompanyStatement(db, stamp, mapAtCompany(company, companyId));
  return tally;
}
