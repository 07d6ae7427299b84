/**
 * `npm run bench`: runs every benchmark in bench/ in turn (each is a plain
 * Node script that prints its figures and targets).
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { OFFLINE_ENV, ROOT } from "./wrangler.ts";

const only = process.argv[2];
const benches = readdirSync(path.join(ROOT, "bench"))
  .filter((f) => f.endsWith(".ts") && !f.startsWith("_"))
  .filter((f) => !only || f.includes(only))
  .sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n== bench/${file}`);
  const run = spawnSync(process.execPath, ["--expose-gc", path.join(ROOT, "bench", file)], { cwd: ROOT, stdio: "inherit", env: OFFLINE_ENV });
  if (run.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
