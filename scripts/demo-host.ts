/**
 * The demo host: a page that looks like a ConnectWise agreement screen, served
 * by the ConnectWise simulator's process on the simulator's own origin (so it
 * stands for ConnectWise's web UI, and the demo integration's derived web
 * origin already allows it to frame the pod). The pod is framed from another
 * site (http://localhost:<worker port>, vs the simulator's http://127.0.0.1),
 * like the real thing. The page itself is the Vite-built ui/demo/ (kept out
 * of the pod bundle); this module serves it with a CSP — no inline script,
 * frames only from the pod's origin — and its configuration at
 * /demo/config.json, set once the bootstrap knows the integration id.
 *
 *   GET /demo[/]?agreement=<cw agreement id>   the host page
 *   GET /demo/config.json                      { podOrigin, integrationId, member, siteOrigin }
 *   GET /assets/<file>                         the built host page's JS/CSS (from dist/ui)
 *
 * The member data is what the simulator accepts at /system/myMembers/info
 * (psa-and-vendor-apis.md §2.6): it plays getMemberAuthentication's answer.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { SIM_CW_DEFAULTS } from "../test/sim/connectwise/app.ts";

export interface DemoHostConfig {
  /** Where the pod is served, e.g. http://localhost:8787 (a different site from the host). */
  podOrigin: string;
  integrationId: string;
}

export interface DemoHost {
  /** Answers the demo's paths; null for everything else (the simulator answers those). */
  handle(req: Request): Promise<Response | null>;
  configure(config: DemoHostConfig): void;
}

const TYPES: Record<string, string> = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png" };

function hostCsp(podOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    `frame-src ${podOrigin}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}

async function serveFile(file: string, headers: Record<string, string>): Promise<Response> {
  try {
    const body = await readFile(file);
    return new Response(body, { status: 200, headers: { "content-type": TYPES[path.extname(file)] ?? "text/html; charset=utf-8", ...headers } });
  } catch {
    return text(404, "Not built: run `npm run build:ui` (vite builds ui/demo/ next to the pod).");
  }
}

export function createDemoHost(options: { uiDir: string; siteOrigin: string }): DemoHost {
  let config: DemoHostConfig | null = null;

  function configJson(): Response {
    if (!config) return text(503, "The demo is not bootstrapped yet");
    const member = SIM_CW_DEFAULTS.member;
    const body = {
      ...config,
      siteOrigin: options.siteOrigin,
      // getMemberAuthentication's data (§2.6); the simulator's member, so the Worker's check at /system/myMembers/info passes.
      member: { site: new URL(options.siteOrigin).host, companyid: SIM_CW_DEFAULTS.companyId, memberid: member.identifier, memberHash: member.memberHash, memberContext: "demo-host", memberEmail: `${member.identifier}@northwind.example` },
    };
    return new Response(JSON.stringify(body), { headers: { "content-type": "application/json", "cache-control": "no-store" } });
  }

  async function handle(req: Request): Promise<Response | null> {
    if (req.method !== "GET" && req.method !== "HEAD") return null;
    const { pathname } = new URL(req.url);
    if (pathname === "/demo" || pathname === "/demo/") {
      if (!config) return text(503, "The demo is starting: the bootstrap has not connected the demo tenant yet. Reload in a few seconds.");
      return serveFile(path.join(options.uiDir, "demo", "index.html"), {
        "content-security-policy": hostCsp(config.podOrigin),
        "referrer-policy": "strict-origin-when-cross-origin",
        "x-content-type-options": "nosniff",
        "cache-control": "no-store",
      });
    }
    if (pathname === "/demo/config.json") return configJson();
    const asset = /^\/assets\/([A-Za-z0-9_.-]+)$/.exec(pathname)?.[1];
    if (asset && !asset.startsWith(".")) return serveFile(path.join(options.uiDir, "assets", asset), { "x-content-type-options": "nosniff", "cache-control": "no-cache" });
    return null;
  }

  return { handle, configure: (next) => void (config = next) };
}
