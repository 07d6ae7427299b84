/**
 * Runs the whole vitest suite and ends with the plain line CI reads:
 * `N passed, N failed, N skipped`. Keeps vitest's exit code.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { OFFLINE_ENV, ROOT } from "./wrangler.ts";

const resultsFile = path.join(ROOT, ".vitest-results.json");
rmSync(resultsFile, { force: true });
const vitest = path.join(ROOT, "node_modules", "vitest", "vitest.mjs");
const run = spawnSync(
  process.execPath,
  [vitest, "run", "--reporter=default", "--reporter=json", `--outputFile.json=${resultsFile}`, ...process.argv.slice(2)],
  { cwd: ROOT, stdio: "inherit", env: OFFLINE_ENV },
);

interface JsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

if (existsSync(resultsFile)) {
  const report = JSON.parse(readFileSync(resultsFile, "utf8")) as JsonReport;
  const skipped = report.numPendingTests + report.numTodoTests;
  console.log(`\n${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
} else {
  console.log("\n0 passed, 1 failed");
}
process.exit(run.status ?? 1);
