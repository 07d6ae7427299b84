/** Who is signed in, and what their role lets them do (the API enforces the same; the UI only hides what would be refused). */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Role, SessionUser } from "./types.ts";

export interface Session {
  tenantId: string;
  user: SessionUser;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("no session");
  return s;
}

const RANK: Record<Role, number> = { viewer: 0, approver: 1, admin: 2 };

/** viewer: read and export; approver: + decisions, mappings, notes; admin: everything. */
export function can(role: Role, need: "decide" | "admin"): boolean {
  return RANK[role] >= (need === "decide" ? RANK.approver : RANK.admin);
}
