/**
 * Runs the PSA simulators in Node (for `npm run dev` and the benches):
 * ConnectWise on 127.0.0.1:8788 and Autotask on 127.0.0.1:8789, seeded with
 * the demo tenant's PSA side. Callbacks and webhooks are real HTTP POSTs to
 * the Worker. Control surface: http://127.0.0.1:8788/_sim/… (see
 * test/sim/connectwise/control.ts).
 *
 * The ConnectWise simulator's origin also serves the demo host page (a
 * ConnectWise-like agreement screen framing the pod; scripts/demo-host.ts) at
 * /demo once `demo.configure()` is called with the pod's origin and the
 * demo integration's id (scripts/dev.ts does it after the bootstrap).
 *
 * Run: node scripts/sim-server.ts [--cw-port 8788] [--at-port 8789] [--seed demo|none]
 *
 * Also exports startLocalStack() — simulators + a throwaway `wrangler dev`
 * with its own D1 state — for the benchmarks in bench/.
 */
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serve, type ServerType } from "@hono/node-server";
import { createAutotaskSim } from "../test/sim/autotask/app.ts";
import { createConnectWiseSim } from "../test/sim/connectwise/app.ts";
import { demoConnectWiseData } from "../src/db/seed/demo-psa.ts";
import { seedDemo } from "../test/sim/connectwise/datasets.ts";
import { freePort, startWranglerStack } from "./wrangler-stack.ts";
import { workerdPidsUnder } from "../test/fixtures/ingest/wrangler-harness.ts";
import { createDemoHost, type DemoHost } from "./demo-host.ts";
import { ROOT, runWrangler } from "./wrangler.ts";

export interface SimServers {
  cw: ReturnType<typeof createConnectWiseSim>;
  at: ReturnType<typeof createAutotaskSim>;
  cwOrigin: string;
  atOrigin: string;
  /** The demo host page on the ConnectWise origin (answers 503 until configured). */
  demo: DemoHost;
  close: () => Promise<void>;
}

function listen(fetch: (req: Request) => Response | Promise<Response>, port: number): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port, hostname: "127.0.0.1" }, (info: AddressInfo) => resolve({ server, port: info.port }));
  });
}

function close(server: ServerType): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Starts both simulators (port 0 = any free port); `uiDir` is the built UI the demo host page is served from (default dist/ui). */
export async function startSimulators(options: { cwPort?: number; atPort?: number; seed?: "demo" | "none"; uiDir?: string } = {}): Promise<SimServers> {
  let cwOrigin = "";
  let atOrigin = "";
  // The apps are created after the ports are known, so their origins (in key_url, zone url, Link) are right.
  let cwFetch: (req: Request) => Response | Promise<Response> = () => new Response("starting", { status: 503 });
  let atFetch: (req: Request) => Response | Promise<Response> = () => new Response("starting", { status: 503 });
  const cwServer = await listen((req) => cwFetch(req), options.cwPort ?? 8788);
  const atServer = await listen((req) => atFetch(req), options.atPort ?? 8789);
  cwOrigin = `http://127.0.0.1:${cwServer.port}`;
  atOrigin = `http://127.0.0.1:${atServer.port}`;
  const cw = createConnectWiseSim({ origin: cwOrigin, demoData: demoConnectWiseData });
  const at = createAutotaskSim({ origin: atOrigin });
  const demo = createDemoHost({ uiDir: options.uiDir ?? path.join(ROOT, "dist", "ui"), siteOrigin: cwOrigin });
  cwFetch = async (req) => (await demo.handle(req)) ?? cw.fetch(req);
  atFetch = at.fetch;
  if ((options.seed ?? "demo") === "demo") seedDemo(cw.state, demoConnectWiseData(new Date()));
  return { cw, at, cwOrigin, atOrigin, demo, close: async () => void (await Promise.all([close(cwServer.server), close(atServer.server)])) };
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}


// ─── A throwaway local stack for the benches ────────────────────────────────
// Its own D1 state directory and free ports, so a running `npm run dev` is
// left alone; everything is stopped and removed by `stop()`.

export interface LocalStack {
  base: string;
  /** The simulators run in a child process, so their work does not skew the bench's own timings. */
  cwOrigin: string;
  atOrigin: string;
  operatorToken: string;
  /** The workerd processes of this stack's `wrangler dev` (for RSS readings). */
  workerdPids: () => number[];
  stop: () => Promise<void>;
}


async function startSimulatorProcess(cwPort: number, atPort: number): Promise<{ cwOrigin: string; atOrigin: string; close: () => Promise<void> }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--cw-port", String(cwPort), "--at-port", String(atPort), "--seed", "none"], { stdio: "ignore" });
  const cwOrigin = `http://127.0.0.1:${cwPort}`;
  const deadline = Date.now() + 20_000;
  while (!(await fetch(`${cwOrigin}/login/companyinfo/northwind`).then((r) => r.ok).catch(() => false))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error("the simulators did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  const close = async () => {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
    // An idle keep-alive connection can hold server.close() open: do not leave the child behind.
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  return { cwOrigin, atOrigin: `http://127.0.0.1:${atPort}`, close };
}

export async function startLocalStack(name: string): Promise<LocalStack> {
  const persist = path.join(ROOT, ".wrangler", `${name}-state`);
  rmSync(persist, { recursive: true, force: true });
  mkdirSync(persist, { recursive: true });
  runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist]);
  const [cwPort, atPort] = [await freePort(), await freePort()];
  const sims = await startSimulatorProcess(cwPort, atPort);
  const operatorToken = "bench-operator-token-0123456789";
  const vars = [`OPERATOR_TOKEN:${operatorToken}`, "ENCRYPTION_KEY:YmVuY2gtb25seS1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=", "ALLOW_INSECURE_ORIGINS:true", "TRUEUP_ENV:development"];
  const cleanUp = async () => {
    await sims.close();
    rmSync(persist, { recursive: true, force: true });
  };
  const wrangler = await startWranglerStack({ label: name, persist, vars, cleanUp }).catch(async (error: unknown) => {
    await cleanUp();
    throw error;
  });
  return { base: wrangler.baseUrl, cwOrigin: sims.cwOrigin, atOrigin: sims.atOrigin, operatorToken, workerdPids: () => workerdPidsUnder(wrangler.pid), stop: wrangler.stop };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sims = await startSimulators({ cwPort: Number(flag("--cw-port") ?? 8788), atPort: Number(flag("--at-port") ?? 8789), seed: flag("--seed") === "none" ? "none" : "demo" });
  console.log(`ConnectWise simulator on ${sims.cwOrigin} (control: ${sims.cwOrigin}/_sim/…)`);
  console.log(`Autotask simulator on ${sims.atOrigin} (control: ${sims.atOrigin}/_sim/…)`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void sims.close().then(() => process.exit(0)));
}
