/**
 * Non-secret settings of pull integrations, stored as JSON in
 * vendor_integrations.config (credentials are sealed separately). Defaults
 * follow the vendors' published endpoints (reference §4 and §6.1).
 */
import type { Env } from "../../env.ts";
import { allowsInsecureOrigins } from "../../env.ts";
import { AppError } from "../../errors.ts";

export const PAX8_DEFAULTS = {
  baseUrl: "https://api.pax8.com/v1",
  tokenUrl: "https://api.pax8.com/v1/token",
  audience: "https://api.pax8.com",
} as const;

/** Pax8 publishes the previous month's usage in arrears; the 6th is the default pull day. */
export const DEFAULT_SYNC_DAY = 6;

export interface Pax8Config {
  kind: "pax8";
  baseUrl: string;
  tokenUrl: string;
  audience: string;
  syncDay: number;
  /** Subscriptions whose productName matches get their usage summaries pulled (Azure by default). */
  usageProductPattern: string;
}

export interface LiongardMetric {
  /** Metric UUID (Liongard recommends UUIDs: stable across instances) or numeric ID. */
  metric: string;
  serviceName: string;
  category: "seat" | "consumption";
}

export interface LiongardConfig {
  kind: "liongard";
  baseUrl: string;
  syncDay: number;
  metrics: LiongardMetric[];
}

export type PullConfig = Pax8Config | LiongardConfig;

export interface Pax8Credentials {
  clientId: string;
  clientSecret: string;
}

export interface LiongardCredentials {
  accessKeyId: string;
  accessKeySecret: string;
}

/** https only; plain-http loopback (the local simulators) only where the environment allows it. */
export function checkOrigin(url: string, env: Env, field: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError("validation_failed", `body.${field}: not a URL`);
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
  if (parsed.protocol === "https:" || (parsed.protocol === "http:" && loopback && allowsInsecureOrigins(env))) {
    return url.replace(/\/+$/, "");
  }
  throw new AppError("validation_failed", `body.${field}: must be an https URL`);
}

export function parsePullConfig(config: string | null): PullConfig | null {
  if (!config) return null;
  const parsed = JSON.parse(config) as { kind?: string };
  return parsed.kind === "pax8" || parsed.kind === "liongard" ? (parsed as PullConfig) : null;
}
