/**
 * Alert rules and their defaults (issue 11): a vendor count that jumps more
 * than `countJumpFactor`× or drops to 0 period over period, a source stale for
 * more than `staleDays`, a sync failing for `syncFailedHours`, a failed PSA
 * write-back. The count and write-back rules are evaluated by triggers of
 * migration 0009 (they read these same JSON fields), the others by the
 * quarter-hour cron. Also the outbound message: one JSON body that Slack and
 * Teams incoming webhooks both show (`text`), with the alert's fields beside it. Pure.
 */
import { z } from "zod";
import type { AlertRules, AlertView } from "../../shared/workspace-types.ts";

export const DEFAULT_ALERT_RULES: AlertRules = {
  countJumpFactor: 5,
  countDropToZero: true,
  staleDays: 7,
  syncFailedHours: 24,
  writebackFailed: true,
};

export const alertRulesSchema = z.strictObject({
  countJumpFactor: z.number().int("must be a whole number").min(2, "must be at least 2").max(1000, "at most 1000"),
  countDropToZero: z.boolean(),
  staleDays: z.number().int("must be a whole number").min(1, "must be at least 1").max(365, "at most 365"),
  syncFailedHours: z.number().int("must be a whole number").min(1, "must be at least 1").max(720, "at most 720"),
  writebackFailed: z.boolean(),
});

/** Stored rules with any field a newer version added filled from the defaults. */
export function readRules(json: string | null): AlertRules {
  if (json === null) return DEFAULT_ALERT_RULES;
  const parsed = alertRulesSchema.partial().safeParse(JSON.parse(json));
  return { ...DEFAULT_ALERT_RULES, ...(parsed.success ? parsed.data : {}) };
}

export interface OutboundAlert {
  text: string;
  alert: { id: string; at: string; rule: string; severity: string; title: string; detail: string; integrationId: string | null; accountId: string | null };
}

/** The webhook body: Slack and Teams show `text`; machines read `alert`. */
export function outboundMessage(a: Omit<AlertView, "delivered"> & { integrationId?: string; accountId?: string }, appUrl: string | null): OutboundAlert {
  const link = appUrl ? `\n${appUrl}` : "";
  return {
    text: `**Trueup ${a.severity}: ${a.title}**\n${a.detail}${link}`,
    alert: { id: a.id, at: a.at, rule: a.rule, severity: a.severity, title: a.title, detail: a.detail, integrationId: a.integrationId ?? null, accountId: a.accountId ?? null },
  };
}

/** Plain-text e-mail of an alert. */
export function emailOf(a: { severity: string; title: string; detail: string; at: string }, appUrl: string | null): { subject: string; text: string } {
  return {
    subject: `[Trueup ${a.severity}] ${a.title}`.slice(0, 200),
    text: `${a.title}\n\n${a.detail}\n\nRaised at ${a.at}.${appUrl ? `\nOpen the workspace: ${appUrl}` : ""}\n`,
  };
}
