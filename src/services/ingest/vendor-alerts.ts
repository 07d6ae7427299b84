/**
 * Gradient's alerting endpoints (reference §1.3; SDK CreateAlertingDto,
 * AlertCreatedDto, RetrieveAlertResponseDto): a vendor posts an alert for one
 * of its accounts and gets `{messageId, alertId, correlationID}`; the debug
 * endpoint reports what became of the message. Gradient turns alerts into
 * PSA tickets; Trueup stores them per tenant × integration × vendor account,
 * to be shown on that account's rows, and creates no ticket — the debug
 * answer says so (status "success", no ticketId).
 */
import type { Db } from "../../db/client.ts";
import { findVendorAlert, insertVendorAlert, type VendorAlertRow } from "../../db/repos/ingest-vendor-alerts.ts";
import type { Scope } from "../../db/repos/ingest-vendor-api.ts";
import { AppError } from "../../errors.ts";
import { newId } from "../secrets.ts";

export interface AlertInput {
  title: string;
  description: string;
  alertId: string;
  priority: number;
  status: number;
  dueDateTime?: string | null | undefined;
  serviceId?: string | null | undefined;
}

export async function recordAlert(db: Db, s: Scope, accountId: string, input: AlertInput, now: Date) {
  const row: VendorAlertRow = {
    id: newId("msg"), tenantId: s.tenantId, integrationId: s.integrationId, accountExternalId: accountId, alertId: input.alertId,
    correlationId: crypto.randomUUID(), title: input.title, description: input.description, priority: input.priority, status: input.status,
    dueDateTime: input.dueDateTime ? new Date(input.dueDateTime).toISOString() : null, serviceExternalId: input.serviceId ?? null, receivedAt: now.toISOString(),
  };
  await insertVendorAlert(db, row);
  return { messageId: row.id, alertId: row.alertId, correlationID: row.correlationId };
}

export async function alertDebug(db: Db, s: Scope, messageId: string) {
  const row = await findVendorAlert(db, s.tenantId, s.integrationId, messageId);
  if (!row) throw new AppError("not_found", `No alert message found with id: ${messageId}`);
  return {
    ticketId: null, createdAt: row.receivedAt, messageId: row.id, status: "success", statusCode: null, errors: [],
    message: `Alert ${row.alertId} stored for account ${row.accountExternalId}; shown on the account's rows (Trueup creates no PSA ticket)`,
  };
}
