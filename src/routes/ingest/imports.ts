/**
 * CSV imports: POST /api/v1/imports?profile=… with the file as the body
 * (streamed, never buffered), the import list and status (progress, rejected
 * rows with line numbers), and saved column profiles for `profile=csv`.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { listProfiles } from "../../db/repos/ingest-imports.ts";
import { requireTenant } from "../../middleware/auth/index.ts";
import { importProfileSchema, importQuerySchema } from "../../services/ingest/import-input.ts";
import { createImportProfile, toProfileView } from "../../services/ingest/import-profiles.ts";
import { readImport, readImports, runImport, toImportView } from "../../services/ingest/imports.ts";
import { readJson, readQuery } from "../parse.ts";

/**
 * The largest file an import takes: Cloudflare's request-body limit on Free and Pro zones (100 MB,
 * reliability-and-security.md §3 [CF-W1]). A larger declared body is refused before any of it is
 * read; the platform refuses one that declares no length but runs over.
 */
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

/** What browsers and scripts send for .csv/.txt/.csv.gz files (Windows browsers say vnd.ms-excel for .csv). */
const FILE_TYPES = /^(text\/(csv|plain|tab-separated-values)|application\/(gzip|x-gzip|octet-stream|vnd\.ms-excel|csv))\b/i;

export const importRoutes = new Hono<AppEnv>()
  .post("/api/v1/imports", requireTenant(), async (c) => {
    const query = readQuery(c, importQuerySchema);
    if (!FILE_TYPES.test(c.req.header("content-type") ?? "")) {
      throw new AppError("unsupported_media_type", "Content-Type must be text/csv, text/tab-separated-values, text/plain or application/gzip");
    }
    const body = c.req.raw.body;
    if (!body) throw new AppError("validation_failed", "body: the file is empty (no header line)");
    const length = Number(c.req.header("content-length"));
    if (Number.isFinite(length) && length > MAX_IMPORT_BYTES) throw new AppError("payload_too_large", `body: the file is ${length} bytes; an import takes at most ${MAX_IMPORT_BYTES} (100 MB): split it`);
    const outcome = await runImport(c.get("db"), c.get("tenant"), query, body, Number.isFinite(length) && length > 0 ? length : null, new Date());
    // A byte-identical re-upload with the same options: the first import, 200, nothing written.
    if (outcome.duplicate) return c.json({ import: toImportView(outcome.row) }, 200, { "Idempotent-Replayed": "true" });
    return c.json({ import: toImportView(outcome.row) }, 201);
  })
  .get("/api/v1/imports", requireTenant(), async (c) => {
    const rows = await readImports(c.get("db"), c.get("tenant").tenantId, new Date());
    return c.json({ imports: rows.map(toImportView) });
  })
  .get("/api/v1/imports/:importId", requireTenant(), async (c) => {
    const row = await readImport(c.get("db"), c.get("tenant").tenantId, c.req.param("importId"), new Date());
    if (!row) throw new AppError("not_found", "Import not found");
    return c.json({ import: toImportView(row) });
  })
  .post("/api/v1/import-profiles", requireTenant(), async (c) => {
    const body = await readJson(c, importProfileSchema);
    return c.json({ profile: toProfileView(await createImportProfile(c.get("db"), c.get("tenant"), body, new Date())) }, 201);
  })
  .get("/api/v1/import-profiles", requireTenant(), async (c) => {
    const rows = await listProfiles(c.get("db"), c.get("tenant").tenantId);
    return c.json({ profiles: rows.map(toProfileView) });
  });
