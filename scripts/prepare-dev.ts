/**
 * `predev`: build the UI, apply the local D1 migrations and seed the demo
 * tenant — printing one line per step (each tool's full output only when it
 * fails), so a newcomer's first screen is the few lines that matter.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { ROOT, runWranglerQuiet } from "./wrangler.ts";

function step(label: string, run: () => string): void {
  const started = Date.now();
  const detail = run();
  console.log(`✓ ${label}${detail ? ` — ${detail}` : ""} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

step("UI built", () => {
  const vite = path.join(ROOT, "node_modules", "vite", "bin", "vite.js");
  let output = "";
  // Two builds, as `npm run build:ui`: the pod (and demo host), then the workspace (vite.config.ts says why).
  for (const args of [["build"], ["build", "--mode", "workspace"]]) {
    const result = spawnSync(process.execPath, [vite, ...args], { cwd: ROOT, encoding: "utf8" });
    output += `${result.stdout ?? ""}${result.stderr ?? ""}`;
    if (result.status !== 0) {
      process.stderr.write(output);
      throw new Error("vite build failed");
    }
  }
  return output.split("\n").filter((l) => / payload: /.test(l)).map((l) => l.replace(/^.*?(\w+ payload: )/, "$1").trim()).join("; ");
});

step("Local database migrated", () => {
  const output = runWranglerQuiet(["d1", "migrations", "apply", "DB", "--local"]);
  // wrangler prints its migration table before and after applying: count each ✅ migration once.
  const applied = new Set([...output.matchAll(/(\d{4}_[\w-]+\.sql)\s*│\s*✅/g)].map((m) => m[1])).size;
  return applied > 0 ? `${applied} new migration(s)` : "up to date";
});

step("Demo tenant seeded", () => {
  const result = spawnSync(process.execPath, [path.join(ROOT, "scripts", "seed-demo.ts")], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ""}${result.stderr ?? ""}`);
    throw new Error("seeding the demo tenant failed");
  }
  return "";
});
