/** The operator token for scripts that call a running Worker: OPERATOR_TOKEN from the environment, else .dev.vars. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./wrangler.ts";

export function operatorToken(): string {
  if (process.env.OPERATOR_TOKEN) return process.env.OPERATOR_TOKEN;
  const file = path.join(ROOT, ".dev.vars");
  const line = existsSync(file) ? readFileSync(file, "utf8").split("\n").find((l) => l.startsWith("OPERATOR_TOKEN=")) : undefined;
  if (!line) throw new Error("Set OPERATOR_TOKEN (or run `npm run dev` once to create .dev.vars)");
  return line.slice("OPERATOR_TOKEN=".length).trim();
}
