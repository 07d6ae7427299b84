/**
 * Alert settings (admins): rules, e-mail recipients and the outbound webhook.
 * The webhook's signing secret (`whsec_…`) is generated when a URL is first
 * set (or on `rotateSecret`), stored sealed, and shown only in that answer.
 */
import { z } from "zod";
import { alertRulesSchema, DEFAULT_ALERT_RULES, readRules } from "../../core/workspace/alert-rules.ts";
import { newWebhookSecret } from "../../core/workspace/standard-webhooks.ts";
import type { Db } from "../../db/client.ts";
import { findAlertSettings, saveAlertSettings } from "../../db/repos/alerts.ts";
import { auditStatement } from "../../db/repos/audit.ts";
import { allowsInsecureOrigins, type Env } from "../../env.ts";
import type { AlertSettingsView } from "../../shared/workspace-types.ts";
import { decryptSecret, encryptSecret } from "../secrets.ts";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** https only (plain http to loopback in development, for a local receiver); no credentials in the URL. */
export function webhookUrlSchema(insecure: boolean) {
  return z
    .string()
    .max(2000)
    .refine((value) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return false;
      }
      if (url.username || url.password) return false;
      return url.protocol === "https:" || (insecure && url.protocol === "http:" && LOOPBACK.has(url.hostname));
    }, "must be an https:// URL without credentials");
}

export function settingsInputSchema(env: Env) {
  return z.strictObject({
    rules: alertRulesSchema,
    email: z.strictObject({ recipients: z.array(z.email("must be an email address").max(320)).max(20, "at most 20 recipients") }),
    webhook: z.strictObject({ url: webhookUrlSchema(allowsInsecureOrigins(env)).nullable(), rotateSecret: z.boolean().optional() }),
  });
}

export type SettingsInput = z.infer<ReturnType<typeof settingsInputSchema>>;

export interface StoredSettings {
  rules: AlertSettingsView["rules"];
  recipients: string[];
  webhookUrl: string | null;
  webhookSecret: string | null;
}

export async function loadSettings(env: Env, db: Db, tenantId: string): Promise<StoredSettings> {
  const row = await findAlertSettings(db, tenantId);
  if (!row) return { rules: DEFAULT_ALERT_RULES, recipients: [], webhookUrl: null, webhookSecret: null };
  return {
    rules: readRules(row.rules),
    recipients: JSON.parse(row.emailRecipients) as string[],
    webhookUrl: row.webhookUrl,
    webhookSecret: row.webhookSecret ? await decryptSecret(env.ENCRYPTION_KEY, row.webhookSecret, `alert-webhook:${tenantId}`) : null,
  };
}

export async function getSettingsView(env: Env, db: Db, tenantId: string): Promise<AlertSettingsView> {
  const s = await loadSettings(env, db, tenantId);
  return { rules: s.rules, email: { recipients: s.recipients }, webhook: { url: s.webhookUrl, hasSecret: s.webhookSecret !== null } };
}

export async function putSettings(env: Env, db: Db, tenantId: string, input: SettingsInput, actor: string, now: Date): Promise<AlertSettingsView> {
  const before = await findAlertSettings(db, tenantId);
  const url = input.webhook.url;
  const newSecret = url !== null && (!before?.webhookSecret || input.webhook.rotateSecret === true) ? newWebhookSecret() : null;
  const sealed = newSecret ? await encryptSecret(env.ENCRYPTION_KEY, newSecret, `alert-webhook:${tenantId}`) : url === null ? null : (before?.webhookSecret ?? null);
  const at = now.toISOString();
  const recipients = [...new Set(input.email.recipients.map((r) => r.trim().toLowerCase()))];
  await saveAlertSettings(db, {
    tenantId,
    rules: JSON.stringify(input.rules),
    emailRecipients: JSON.stringify(recipients),
    webhookUrl: url,
    webhookSecret: sealed,
    updatedBy: actor,
    updatedAt: at,
  });
  const details = { rules: input.rules, recipients: recipients.length, webhookUrl: url, secretRotated: newSecret !== null };
  await db.batch([auditStatement(db, { tenantId, at, actor, action: "workspace.alert-settings.updated", entityType: "alert_settings", entityId: tenantId, details })]);
  return {
    rules: input.rules,
    email: { recipients },
    webhook: { url, hasSecret: sealed !== null, ...(newSecret ? { secret: newSecret } : {}) },
  };
}
