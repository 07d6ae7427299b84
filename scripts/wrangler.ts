/**
 * Runs the project's wrangler with the Node that runs this script (Node 22 from
 * the `node` devDependency), with telemetry and the Request.cf fetch off: these
 * machines have no internet.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

export const OFFLINE_ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

export function runWrangler(args: string[]): void {
  const result = spawnSync(process.execPath, [WRANGLER, ...args], { cwd: ROOT, stdio: "inherit", env: OFFLINE_ENV });
  if (result.status !== 0) {
    throw new Error(`wrangler ${args.join(" ")} failed with exit code ${result.status}`);
  }
}

export function startWrangler(args: string[], quiet = false): ChildProcess {
  return spawn(process.execPath, [WRANGLER, ...args], {
    cwd: ROOT,
    stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit",
    env: OFFLINE_ENV,
  });
}

/** Like runWrangler, but its output is shown only when it fails (first-run output stays a few lines). */
export function runWranglerQuiet(args: string[]): string {
  const result = spawnSync(process.execPath, [WRANGLER, ...args], { cwd: ROOT, encoding: "utf8", env: OFFLINE_ENV });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status !== 0) {
    process.stderr.write(output);
    throw new Error(`wrangler ${args.join(" ")} failed with exit code ${result.status}`);
  }
  return output;
}
