/**
 * A throwaway `wrangler dev` for the browser-test stacks
 * (test/browser/demo-setup.ts, workspace-setup.ts) and the benches
 * (sim-server.ts startLocalStack): free loopback ports, its own persist dir,
 * the built UI as its assets when given, no live reload; resolves once
 * /healthz answers. `stop()` ends wrangler (SIGKILL after 5 s), then runs the
 * caller's own clean-up.
 */
import { createServer } from "node:net";
import { startWrangler } from "./wrangler.ts";

/** A port the OS says is free on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}


export interface WranglerStack {
  baseUrl: string;
  port: number;
  /** The wrangler process (the benches read its workerd children's memory). */
  pid: number;
  stop: () => Promise<void>;
}

export async function startWranglerStack(options: { label: string; persist: string; uiDir?: string; vars: string[]; cleanUp: () => Promise<void> }): Promise<WranglerStack> {
  const [port, inspector] = [await freePort(), await freePort()];
  const assets = options.uiDir ? ["--assets", options.uiDir] : [];
  const args = ["dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), "--persist-to", options.persist, ...assets, "--show-interactive-dev-session=false", "--live-reload=false"];
  const child = startWrangler([...args, ...options.vars.flatMap((v) => ["--var", v])], true);
  let log = "";
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-8000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const stop = async () => {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
    await options.cleanUp();
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`${baseUrl}/healthz`).then((r) => r.ok).catch(() => false))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev (${options.label}) did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, port, pid: child.pid as number, stop };
}
