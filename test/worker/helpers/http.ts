/** Calls the Worker's fetch handler the way the network would. */
import { exports } from "cloudflare:workers";

export const BASE = "http://trueup.test";
export const OPERATOR_TOKEN = "test-operator-token";

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

export function withKey(key: string, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${key}` } };
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

export async function createTenant(name: string): Promise<{ tenantId: string; apiKey: string }> {
  const res = await postJson("/api/admin/tenants", { name }, { authorization: `Bearer ${OPERATOR_TOKEN}` });
  if (res.status !== 201) throw new Error(`createTenant failed: ${res.status} ${await res.text()}`);
  return res.json();
}

export interface ErrorJson {
  error: { code: string; message: string; requestId: string };
}
