import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// The pod UI: built into dist/ui and served by the Worker as static assets.
export default defineConfig({
  root: "ui",
  plugins: [preact()],
  build: {
    outDir: "../dist/ui",
    emptyOutDir: true,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8787" },
  },
});
