/**
 * Workspace roles and the one table of what each may do on the tenant API
 * (issue 11): viewer = reads and exports; approver = viewer + decisions,
 * mappings and notes; admin = everything (integrations, PSA connect/sync,
 * imports, users, alert settings). Any state-changing route not listed here
 * needs admin, so a new route is closed until it is deliberately opened. Pure.
 */

export const ROLES = ["viewer", "approver", "admin"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, approver: 1, admin: 2 };

/** Reads only an admin may make (they show other people's accounts or secrets' settings). */
const ADMIN_READS = [/^\/api\/v1\/users(?:\/|$)/, /^\/api\/v1\/alert-settings(?:\/|$)/];

/** Writes an approver may make: decide (and cancel or retry a decision's write-back), map, note. */
const APPROVER_WRITES = [/^\/api\/v1\/decisions(?:\/[^/]+\/(?:cancel|retry))?$/, /^\/api\/v1\/mappings(?:\/|$)/, /^\/api\/v1\/agreements\/[^/]+\/notes\/[^/]+$/];

/** Only the tenant API (`/api/v1/*`) is role-gated; outside it (pod context, signing out) any signed-in role may act. */
export function requiredRole(method: string, path: string): Role {
  if (!path.startsWith("/api/v1/")) return "viewer";
  const read = method === "GET" || method === "HEAD";
  if (read) return ADMIN_READS.some((re) => re.test(path)) ? "admin" : "viewer";
  return APPROVER_WRITES.some((re) => re.test(path)) ? "approver" : "admin";
}

export function hasRole(actual: Role, needed: Role): boolean {
  return RANK[actual] >= RANK[needed];
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
