/**
 * The PSA side of one write-back: read the line's quantity as the PSA holds
 * it now, plan the write from it, send it, and re-sync the agreement after.
 * - ConnectWise: GET/PATCH /finance/agreements/{id}/additions/{id} (§2.3).
 * - Autotask: the units of the ContractServiceUnits period holding the
 *   effective date, then a ContractServiceAdjustment (§3.3). Reading the
 *   period of the effective date (not today's) is what makes a retry after
 *   an applied-then-500 adjustment see the change and not add it twice.
 */
import { atContractServiceUnitSchema } from "../../core/psa/at-records.ts";
import type { CwCatalogItem } from "../../core/psa/cw-records.ts";
import { unitsOn } from "../../core/psa/at-map.ts";
import { toDecimal } from "../../core/psa/psa-numbers.ts";
import { planAutotaskWrite, planConnectWiseAdd, planConnectWiseWrite, type WritePlan } from "../../core/psa/writeback-plan.ts";
import type { DecimalString } from "../../core/reconcile/types.ts";
import { firstOfNextMonth } from "../../core/shared/dates.ts";
import type { Db } from "../../db/client.ts";
import type { DecisionRow } from "../../db/repos/psa-decisions.ts";
import { findAgreementState, runGroupedBatches, type SyncStamp } from "../../db/repos/psa-records.ts";
import type { agreementLines, agreements } from "../../db/schema.ts";
import type { PsaConnection } from "./connection.ts";
import { PsaHttpError, type PsaResult } from "./http.ts";
import { syncAtContracts } from "./sync-at.ts";
import { readCwAgreement } from "./sync-cw.ts";

export interface WriteTarget {
  psa: "connectwise" | "autotask";
  /** The PSA's quantity now; null when the line no longer exists there. */
  read(): Promise<DecimalString | null>;
  plan(current: DecimalString): WritePlan;
  send(plan: WritePlan): Promise<{ request: unknown; result: PsaResult }>;
  resync(stamp: SyncStamp): Promise<void>;
}

type Agreement = typeof agreements.$inferSelect;
type Line = typeof agreementLines.$inferSelect;

function decimalOrThrow(value: unknown, field: string): DecimalString {
  const parsed = toDecimal(value, field);
  if (!parsed.ok) throw new PsaHttpError(502, value, null, `The PSA returned an unreadable ${field}: ${parsed.error}`);
  return parsed.value;
}

/** The mode recorded with the decision; decisions from before migration 0011 carry none: the agreement's prorateFlag decides, as it did then. */
function writeModeOf(decision: DecisionRow, prorates: boolean): "now" | "with-date" | "scheduled" {
  if (decision.writeMode === "now" || decision.writeMode === "with-date" || decision.writeMode === "scheduled") return decision.writeMode;
  return prorates ? "with-date" : "now";
}

export async function openWriteTarget(db: Db, conn: PsaConnection, decision: DecisionRow, agreement: Agreement, line: Line | null, now: Date): Promise<WriteTarget> {
  const target = decision.newQuantity ?? "0";
  if (conn.kind === "connectwise") {
    const client = conn.client;
    const state = await findAgreementState(db, decision.tenantId, agreement.id);
    const writeMode = writeModeOf(decision, state?.allowsEffectiveDate ?? false);
    // A missing line (no lineId): the addition of the product on the agreement once it exists, else the catalog item to add.
    let additionId = line?.psaId ?? null;
    let catalogItem: CwCatalogItem | null = null;
    return {
      psa: "connectwise",
      async read() {
        if (line) {
          const addition = await client.getAddition(agreement.psaId, line.psaId);
          return addition ? decimalOrThrow(addition.quantity, "quantity") : null;
        }
        // Re-read first: an add that was applied and then answered 500 must not add a second line.
        const additions = await client.listAdditions(agreement.psaId);
        const existing = additions.items.find((a) => a.product.identifier.toLowerCase() === decision.productKey.toLowerCase() && !a.cancelledDate);
        if (existing) {
          additionId = String(existing.id);
          return decimalOrThrow(existing.quantity, "quantity");
        }
        additionId = null;
        catalogItem = await client.findCatalogItem(decision.productKey);
        return "0";
      },
      plan: (current) =>
        additionId === null
          ? planConnectWiseAdd({ target, writeMode, effectiveDate: decision.effectiveDate, item: catalogItem, identifier: decision.productKey })
          : planConnectWiseWrite({ current, target, writeMode, effectiveDate: decision.effectiveDate }),
      async send(plan) {
        if (plan.kind === "cw-add") return { request: plan.body, result: await client.postAddition(agreement.psaId, { ...plan.body }) };
        if (plan.kind !== "cw-patch" || additionId === null) throw new Error(`cannot send a ${plan.kind} plan to ConnectWise`);
        return { request: plan.operations, result: await client.patchAddition(agreement.psaId, additionId, plan.operations) };
      },
      async resync(stamp) {
        const read = await readCwAgreement(db, client, stamp, agreement.psaId, true);
        await runGroupedBatches(db, [read.statements]);
      },
    };
  }
  const client = conn.client;
  const effectiveDate = decision.effectiveDate ?? firstOfNextMonth(now);
  const contractId = Number(agreement.psaId);
  const serviceId = Number(decision.productKey);
  return {
    psa: "autotask",
    async read() {
      const units = await client.query(
        "ContractServiceUnits",
        [
          { op: "eq", field: "contractID", value: contractId },
          { op: "lte", field: "startDate", value: `${effectiveDate}T23:59:59Z` },
          { op: "gte", field: "endDate", value: `${effectiveDate}T00:00:00Z` },
        ],
        atContractServiceUnitSchema,
      );
      // A missing line: Autotask creates the contract service with the first adjustment (reference §3.3), so none yet = 0 units.
      // The query already keeps only slices holding the date; the latest one wins.
      if (!line) return decimalOrThrow(units.filter((u) => u.serviceID === serviceId).sort((a, b) => String(b.startDate).localeCompare(String(a.startDate)))[0]?.units ?? 0, "units");
      const unit = unitsOn(units, Number(line.psaId), serviceId, effectiveDate);
      if (!unit) throw new PsaHttpError(409, null, null, `Autotask has no ContractServiceUnits period holding ${effectiveDate} for contract service ${line.psaId}`);
      return decimalOrThrow(unit.units, "units");
    },
    plan: (current) => planAutotaskWrite({ current, target, effectiveDate }),
    async send(plan) {
      if (plan.kind !== "at-adjust") throw new Error(`cannot send a ${plan.kind} plan to Autotask`);
      const body = { contractID: contractId, serviceID: serviceId, unitChange: plan.unitChange, effectiveDate: `${plan.effectiveDate}T00:00:00Z` };
      const itemId = await client.create("ContractServiceAdjustments", body);
      return { request: body, result: { status: 200, headers: new Headers(), json: { itemId } } };
    },
    async resync(stamp) {
      await syncAtContracts(db, client, stamp, [{ op: "eq", field: "id", value: contractId }]);
    },
  };
}
