/**
 * Reading alerts: our own (paged newest first) plus, on the first page, the
 * alerts vendors pushed through the Gradient-compatible alerting API
 * (`vendor_alerts`, migration 0008 of another branch — read only when the
 * table exists, its columns mapped defensively).
 */
import type { Db } from "../../db/client.ts";
import { readAlertPage, readVendorAlerts, type AlertCursor } from "../../db/repos/alerts.ts";
import { AppError } from "../../errors.ts";
import type { AlertPage, AlertView } from "../../shared/workspace-types.ts";
import { toAlertView } from "./alert-delivery.ts";

function encodeCursor(c: AlertCursor): string {
  return btoa(JSON.stringify([c.at, c.id])).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeCursor(text: string): AlertCursor {
  try {
    const value: unknown = JSON.parse(atob(text.replace(/-/g, "+").replace(/_/g, "/")));
    if (Array.isArray(value) && typeof value[0] === "string" && typeof value[1] === "string") return { at: value[0], id: value[1] };
  } catch {
    // fall through
  }
  throw new AppError("validation_failed", "query.cursor: not a cursor this API returned");
}

const pick = (row: Record<string, unknown>, names: string[]): string | null => {
  for (const name of names) {
    const value = row[name];
    if (typeof value === "string" && value.length > 0) return value;
    if (typeof value === "number") return String(value);
  }
  return null;
};

/** A vendor-pushed alert as the workspace shows it; fields vary by vendor, so everything is optional. */
export function vendorAlertView(row: Record<string, unknown>): AlertView {
  const severity = (pick(row, ["severity", "level"]) ?? "warning").toLowerCase();
  const accountId = pick(row, ["account_id", "accountId"]);
  const integrationId = pick(row, ["integration_id", "integrationId"]);
  return {
    id: pick(row, ["id"]) ?? "vendor-alert",
    at: pick(row, ["received_at", "created_at", "at", "updated_at"]) ?? "",
    rule: "vendor-alert",
    severity: severity === "critical" || severity === "info" ? severity : "warning",
    title: pick(row, ["title", "name", "subject"]) ?? "Vendor alert",
    detail: pick(row, ["description", "message", "detail", "body"]) ?? "",
    ...(integrationId ? { integrationId } : {}),
    ...(accountId ? { accountId } : {}),
    delivered: { email: "none", webhook: "none" },
  };
}

export async function listAlerts(db: Db, tenantId: string, limit: number, cursor?: string): Promise<AlertPage> {
  const rows = await readAlertPage(db, tenantId, cursor ? decodeCursor(cursor) : null, limit);
  const page = rows.slice(0, limit).map(toAlertView);
  const last = rows[Math.min(rows.length, limit) - 1];
  const vendor = cursor ? [] : (await readVendorAlerts(db, tenantId, limit)).map(vendorAlertView);
  const alerts = [...page, ...vendor].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return { alerts, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at, id: last.id }) : null };
}
