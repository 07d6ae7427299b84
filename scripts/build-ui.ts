/**
 * The UI as `npm run build:ui` builds it, for the benches: the pod and demo
 * host, then the workspace into the same dist/ui (vite.config.ts) — the first
 * build alone empties dist/ui and leaves no workspace behind. Returns the
 * payload per entry the build recorded (dist/ui-payload.json).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { OFFLINE_ENV, ROOT } from "./wrangler.ts";

export type UiPayload = Record<string, { js: number; css: number; total: number; budget: number }>;

export function buildUi(): UiPayload {
  const vite = path.join(ROOT, "node_modules", "vite", "bin", "vite.js");
  for (const args of [["build"], ["build", "--mode", "workspace"]]) {
    const run = spawnSync(process.execPath, [vite, ...args], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], env: OFFLINE_ENV });
    if (run.status !== 0) throw new Error(`vite ${args.join(" ")} failed`);
  }
  return JSON.parse(readFileSync(path.join(ROOT, "dist", "ui-payload.json"), "utf8")) as UiPayload;
}
