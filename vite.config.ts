import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import preact from "@preact/preset-vite";
import { defineConfig, type Plugin } from "vite";

/** The pod's payload budget (issue #5): JS + CSS ≤ 25 KB gzip. */
const BUDGET_BYTES = 25 * 1024;

/** The demo host page (ui/demo/): its own entry, so its files are named demo-* and are not the pod's payload. */
const DEMO_PREFIX = "assets/demo-";

/** Prints the gzip size of the pod's built JS and CSS (the demo host's excluded) and fails the build over budget. */
function payloadBudget(): Plugin {
  return {
    name: "trueup-payload-budget",
    apply: "build",
    generateBundle(_options, bundle) {
      let js = 0;
      let css = 0;
      for (const file of Object.values(bundle)) {
        if (file.fileName.startsWith(DEMO_PREFIX)) continue;
        const source = file.type === "chunk" ? file.code : file.source;
        const size = gzipSync(typeof source === "string" ? Buffer.from(source) : Buffer.from(source), { level: 9 }).byteLength;
        if (file.fileName.endsWith(".js")) js += size;
        else if (file.fileName.endsWith(".css")) css += size;
      }
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      const total = js + css;
      this.info(`pod payload: JS ${kb(js)} + CSS ${kb(css)} = ${kb(total)} gzip (budget ${kb(BUDGET_BYTES)})`);
      if (total > BUDGET_BYTES) this.error(`pod payload ${kb(total)} gzip is over the ${kb(BUDGET_BYTES)} budget`);
    },
  };
}

// The pod UI: built into dist/ui and served by the Worker (pod pages get their headers there).
// Second input: the demo host page (dist/ui/demo/index.html), served by the ConnectWise simulator
// in `npm run dev` (scripts/demo-host.ts); it shares no code with the pod.
export default defineConfig({
  root: "ui",
  plugins: [preact(), payloadBudget()],
  build: {
    outDir: "../dist/ui",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL("./ui/index.html", import.meta.url)),
        demo: fileURLToPath(new URL("./ui/demo/index.html", import.meta.url)),
      },
    },
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8787" },
  },
});
