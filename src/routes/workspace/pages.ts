/**
 * The workspace SPA: every `/app` and `/app/*` path answers with the built
 * dist/ui/app/index.html (its scripts and styles are under /assets/, served
 * by the assets fallback), with the pod's header policy but never frameable:
 * `frame-ancestors 'none'` (and X-Frame-Options DENY for browsers without CSP 2).
 */
import { Hono, type Context } from "hono";
import { podPageHeaders } from "../../core/pod/csp.ts";
import type { AppEnv } from "../../env.ts";
import { AppError } from "../../errors.ts";

async function serveShell(c: Context<AppEnv>): Promise<Response> {
  // "/app/" rather than "/app/index.html": the assets router redirects the latter to the former.
  const res = await c.env.ASSETS.fetch(new Request(new URL("/app/", c.req.url)));
  if (!res.ok) throw new AppError("service_unavailable", "The workspace UI is not built (run npm run build:ui)");
  const headers = { ...podPageHeaders([]), "X-Frame-Options": "DENY" };
  return new Response(c.req.method === "HEAD" ? null : await res.text(), { status: 200, headers });
}

export const workspacePageRoutes = new Hono<AppEnv>().get("/app", serveShell).get("/app/*", serveShell);
