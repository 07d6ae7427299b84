/**
 * Creating and disconnecting usage integrations. Keys are shown once and
 * stored as SHA-256 only; pull credentials are sealed with encryptSecret (the
 * tenant id bound as context). Each change is audited in the same batch.
 */
import type { Db } from "../../db/client.ts";
import { auditStatement } from "../../db/repos/audit.ts";
import {
  disconnectStatements,
  findIntegration,
  renameIntegrationStatement,
  setIntegrationConfig,
  insertIntegrationStatement,
  insertKeyStatement,
  upsertPullSecretStatement,
} from "../../db/repos/ingest-integrations.ts";
import type { Env, TenantPrincipal } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { runBatch } from "../../db/repos/ingest-ledger.ts";
import { encryptSecret, generateApiKey, newId } from "../secrets.ts";
import { checkOrigin, DEFAULT_SYNC_DAY, PAX8_DEFAULTS, parsePullConfig, type PullConfig } from "./integration-config.ts";
import type { CreateIntegrationInput, UpdateIntegrationInput } from "./integration-input.ts";

export type CreatedIntegration =
  | { integrationId: string; vendorApiKey: string; partnerApiKey: string }
  | { integrationId: string; integrationKey: string }
  | { integrationId: string; kind: string; name: string };

export async function createIntegration(db: Db, env: Env, who: TenantPrincipal, input: CreateIntegrationInput, now: Date): Promise<CreatedIntegration> {
  const at = now.toISOString();
  const integrationId = newId("int");
  const base = { id: integrationId, tenantId: who.tenantId, kind: input.kind, name: input.name, createdAt: at };
  const audit = (details: Record<string, unknown>) =>
    auditStatement(db, { tenantId: who.tenantId, at, actor: who.actor, action: "integration.created", entityType: "integration", entityId: integrationId, details: { kind: input.kind, name: input.name, ...details } });
  if (input.kind === "vendor-api") {
    const vendor = await generateApiKey("gv");
    const partner = await generateApiKey("gp");
    const key = { id: newId("ikey"), tenantId: who.tenantId, integrationId, kind: "gradient" as const, keyHash: partner.hash, vendorKeyHash: vendor.hash, keyPrefix: partner.prefix, createdAt: at };
    await db.batch([insertIntegrationStatement(db, { ...base, status: "pending", config: null }), insertKeyStatement(db, key), audit({ keyPrefix: partner.prefix })]);
    return { integrationId, vendorApiKey: vendor.key, partnerApiKey: partner.key };
  }
  if (input.kind === "batch") {
    const generated = await generateApiKey("ti");
    const key = { id: newId("ikey"), tenantId: who.tenantId, integrationId, kind: "integration" as const, keyHash: generated.hash, vendorKeyHash: null, keyPrefix: generated.prefix, createdAt: at };
    await db.batch([insertIntegrationStatement(db, { ...base, status: "active", config: null }), insertKeyStatement(db, key), audit({ keyPrefix: generated.prefix })]);
    return { integrationId, integrationKey: generated.key };
  }
  if (input.kind === "csv") {
    await db.batch([insertIntegrationStatement(db, { ...base, status: "active", config: null }), audit({})]);
    return { integrationId, kind: input.kind, name: input.name };
  }
  const { config, credentials } = pullSettings(input, env);
  const sealed = await encryptSecret(env.ENCRYPTION_KEY, JSON.stringify(credentials), who.tenantId);
  await db.batch([
    insertIntegrationStatement(db, { ...base, status: "active", config: JSON.stringify(config) }),
    upsertPullSecretStatement(db, { integrationId, tenantId: who.tenantId, credentials: sealed, updatedAt: at }),
    audit({ syncDay: config.syncDay }),
  ]);
  return { integrationId, kind: input.kind, name: input.name };
}

function pullSettings(input: Extract<CreateIntegrationInput, { kind: "pax8" | "liongard" }>, env: Env): { config: PullConfig; credentials: object } {
  if (input.kind === "pax8") {
    const config: PullConfig = {
      kind: "pax8",
      baseUrl: checkOrigin(input.baseUrl ?? PAX8_DEFAULTS.baseUrl, env, "baseUrl"),
      tokenUrl: checkOrigin(input.tokenUrl ?? PAX8_DEFAULTS.tokenUrl, env, "tokenUrl"),
      audience: input.audience ?? PAX8_DEFAULTS.audience,
      syncDay: input.syncDay ?? DEFAULT_SYNC_DAY,
      usageProductPattern: input.usageProductPattern ?? "azure",
    };
    return { config, credentials: { clientId: input.clientId, clientSecret: input.clientSecret } };
  }
  if (!input.baseUrl && !input.instance) throw new AppError("validation_failed", "body.instance: give your Liongard instance (e.g. us1) or baseUrl");
  const baseUrl = checkOrigin(input.baseUrl ?? `https://${input.instance}.app.liongard.com`, env, input.baseUrl ? "baseUrl" : "instance");
  const config: PullConfig = { kind: "liongard", baseUrl, syncDay: input.syncDay ?? DEFAULT_SYNC_DAY, metrics: input.metrics };
  return { config, credentials: { accessKeyId: input.accessKeyId, accessKeySecret: input.accessKeySecret } };
}

/** Revokes the integration's keys and stops its pulls; its accounts and counts are kept (history). */
export async function disconnectIntegration(db: Db, who: TenantPrincipal, integrationId: string, now: Date): Promise<void> {
  const integration = await findIntegration(db, who.tenantId, integrationId);
  if (!integration) throw new AppError("not_found", "Integration not found");
  if (integration.disconnectedAt) return;
  const at = now.toISOString();
  await db.batch([
    ...disconnectStatements(db, who.tenantId, integrationId, at),
    auditStatement(db, { tenantId: who.tenantId, at, actor: who.actor, action: "integration.disconnected", entityType: "integration", entityId: integrationId, details: { kind: integration.kind, name: integration.name } }),
  ]);
}


/** Renames an integration and/or moves a pull integration's sync day (1–28: every month has it). */
export async function updateIntegration(db: Db, who: TenantPrincipal, integrationId: string, input: UpdateIntegrationInput, now: Date) {
  const integration = await findIntegration(db, who.tenantId, integrationId);
  if (!integration) throw new AppError("not_found", "Integration not found");
  const pull = parsePullConfig(integration.config);
  if (input.syncDay !== undefined && !pull) throw new AppError("validation_failed", `body.syncDay: a ${integration.kind} integration is not pulled`);
  const at = now.toISOString();
  await runBatch(db, [
    ...(input.name ? [renameIntegrationStatement(db, who.tenantId, integrationId, input.name)] : []),
    ...(pull && input.syncDay !== undefined ? [setIntegrationConfig(db, who.tenantId, integrationId, JSON.stringify({ ...pull, syncDay: input.syncDay }))] : []),
    auditStatement(db, { tenantId: who.tenantId, at, actor: who.actor, action: "integration.updated", entityType: "integration", entityId: integrationId, details: { ...input } }),
  ]);
  return { integrationId, name: input.name ?? integration.name, syncDay: input.syncDay ?? pull?.syncDay ?? null };
}
