import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import preact from "@preact/preset-vite";
import { defineConfig, type Plugin, type Rollup } from "vite";

/**
 * Payload budgets, JS + CSS gzip, per entry: the pod (issue #5) ≤ 25 KB, the
 * billing workspace at /app (issue #11) ≤ 60 KB. An entry's payload is its
 * chunk, every chunk it statically imports (shared chunks such as Preact
 * count for each entry that loads them) and the CSS those chunks import.
 * The demo host page (ui/demo/) is no product payload.
 *
 * Two builds (`npm run build:ui`): the pod and the demo host, then the
 * workspace (`--mode workspace`, into the same dist/ui). Built together, the
 * code both import is split into a shared chunk, which compresses worse and
 * put the pod 1.6 KB over its budget; apart, each page loads one chunk.
 */
const BUDGETS: Record<string, number> = { index: 25 * 1024, app: 60 * 1024 };
const LABELS: Record<string, string> = { index: "pod", app: "workspace" };

function gzipSize(source: string | Uint8Array): number {
  return gzipSync(typeof source === "string" ? Buffer.from(source) : Buffer.from(source), { level: 9 }).byteLength;
}

/** JS and CSS gzip bytes an entry's page loads before it runs. */
function entryPayload(bundle: Rollup.OutputBundle, entry: Rollup.OutputChunk): { js: number; css: number } {
  const seen = new Set<string>();
  const css = new Set<string>();
  let js = 0;
  const visit = (chunk: Rollup.OutputChunk) => {
    if (seen.has(chunk.fileName)) return;
    seen.add(chunk.fileName);
    js += gzipSize(chunk.code);
    for (const file of (chunk as { viteMetadata?: { importedCss: Set<string> } }).viteMetadata?.importedCss ?? []) css.add(file);
    for (const name of chunk.imports) {
      const next = bundle[name];
      if (next?.type === "chunk") visit(next);
    }
  };
  visit(entry);
  let cssBytes = 0;
  for (const name of css) {
    const asset = bundle[name];
    if (asset?.type === "asset") cssBytes += gzipSize(asset.source);
  }
  return { js, css: cssBytes };
}

/** Where the build records each entry's payload for the benches (bench/pod-load.ts, bench/workspace-board.ts). */
const PAYLOAD_REPORT = fileURLToPath(new URL("./dist/ui-payload.json", import.meta.url));

/** Prints each entry's gzip payload, records it in dist/ui-payload.json and fails the build over its budget. */
function payloadBudget(workspaceBuild: boolean): Plugin {
  return {
    name: "trueup-payload-budget",
    apply: "build",
    // writeBundle, not generateBundle: Vite fills in the dynamic-import preload lists after
    // generateBundle, so only here is the code the one the browser loads.
    writeBundle(_options, bundle) {
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      // The second build adds its entry to the first one's report.
      const report: Record<string, { js: number; css: number; total: number; budget: number }> = workspaceBuild && existsSync(PAYLOAD_REPORT) ? JSON.parse(readFileSync(PAYLOAD_REPORT, "utf8")) : {};
      for (const file of Object.values(bundle)) {
        if (file.type !== "chunk" || !file.isEntry) continue;
        const budget = BUDGETS[file.name];
        if (budget === undefined) continue;
        const { js, css } = entryPayload(bundle, file);
        const total = js + css;
        const label = LABELS[file.name] ?? file.name;
        report[label] = { js, css, total, budget };
        this.info(`${label} payload: JS ${kb(js)} + CSS ${kb(css)} = ${kb(total)} gzip, ${total} B (budget ${kb(budget)}, ${budget} B)`);
        if (total > budget) this.error(`${label} payload ${kb(total)} gzip is over the ${kb(budget)} budget`);
      }
      mkdirSync(fileURLToPath(new URL("./dist/", import.meta.url)), { recursive: true });
      writeFileSync(PAYLOAD_REPORT, `${JSON.stringify(report, null, 2)}\n`);
    },
  };
}

// Built into dist/ui and served by the Worker: the pod (ui/index.html; pod pages get their
// headers there) and the billing workspace (ui/app/index.html → dist/ui/app/index.html, served
// for every /app/* path). Third input: the demo host page (dist/ui/demo/index.html), served by
// the ConnectWise simulator in `npm run dev` (scripts/demo-host.ts); it shares no code with the pod.
export default defineConfig(({ mode }) => {
  const workspaceBuild = mode === "workspace";
  const entry = (name: string) => fileURLToPath(new URL(name, import.meta.url));
  const input: Record<string, string> = workspaceBuild ? { app: entry("./ui/app/index.html") } : { index: entry("./ui/index.html"), demo: entry("./ui/demo/index.html") };
  return {
    root: "ui",
    plugins: [preact(), payloadBudget(workspaceBuild)],
    build: {
      outDir: "../dist/ui",
      emptyOutDir: !workspaceBuild,
      target: "es2022",
      modulePreload: { polyfill: false },
      rollupOptions: {
        input,
      },
    },
    server: {
      proxy: { "/api": "http://127.0.0.1:8787" },
    },
  };
});
