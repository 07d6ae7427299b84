/**
 * CSV import: drop a file (or pick one), choose its profile (Partner Center
 * invoice, daily rated usage, or a saved column profile — a new one is made
 * from the file's own header), and send it. The bar shows the upload
 * (XMLHttpRequest progress), then the server's processing (polling the
 * import's bytesRead/bytesTotal); the result lists rejected lines by number.
 */
import { useRef, useState } from "preact/hooks";
import { get, messageOf, query, upload } from "../lib/api.ts";
import { can, useSession } from "../lib/session.ts";
import type { ImportProfileView, ImportView } from "../lib/types.ts";
import { Notice, useGet, When } from "../lib/ui.tsx";
import { ColumnProfile } from "./column-profile.tsx";

const BUILT_IN = [
  { value: "partner-center-invoice", label: "Microsoft Partner Center — invoice reconciliation (NCE billed)" },
  { value: "partner-center-usage", label: "Microsoft Partner Center — daily rated usage" },
];

interface Progress {
  phase: "upload" | "processing" | "done" | "failed";
  fraction: number;
}

function contentType(file: File): string {
  if (/\.gz$/i.test(file.name)) return "application/gzip";
  if (/\.(tsv|txt)$/i.test(file.name)) return "text/tab-separated-values";
  return "text/csv";
}

export function Imports() {
  const { user } = useSession();
  const allowed = can(user.role, "admin");
  const profiles = useGet<{ profiles: ImportProfileView[] }>("/api/v1/import-profiles");
  const recent = useGet<{ imports: ImportView[] }>("/api/v1/imports");
  const [file, setFile] = useState<File | null>(null);
  const [profile, setProfile] = useState(BUILT_IN[0]?.value ?? "");
  const [period, setPeriod] = useState("");
  const [progress, setProgress] = useState<Progress | null>(null);
  const [result, setResult] = useState<ImportView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const pick = (f: File | undefined | null) => {
    if (!f) return;
    setFile(f);
    setResult(null);
    setError(null);
    setProgress(null);
  };
  const send = async () => {
    if (!file) return;
    const started = new Date(Date.now() - 5000).toISOString();
    const saved = profile.startsWith("saved:") ? profile.slice(6) : null;
    const path = `/api/v1/imports${query({ profile: saved ? "csv" : profile, profileId: saved, period })}`;
    setError(null);
    setResult(null);
    setProgress({ phase: "upload", fraction: 0 });
    // While the server reads the stream, its progress shows on the newest import (the id comes with the answer).
    let polling = true;
    const poll = async () => {
      while (polling) {
        await new Promise((r) => setTimeout(r, 700));
        const newest = await get<{ imports: ImportView[] }>("/api/v1/imports").then((r) => r.imports.find((i) => i.createdAt >= started), () => undefined);
        if (polling && newest?.status === "processing" && newest.bytesTotal) setProgress({ phase: "processing", fraction: newest.bytesRead / newest.bytesTotal });
      }
    };
    void poll();
    try {
      const r = await upload<{ import: ImportView }>(path, file, contentType(file), (sent, total) => {
        setProgress((p) => (p?.phase === "processing" ? p : { phase: sent >= total ? "processing" : "upload", fraction: total ? sent / total : 0 }));
      });
      setResult(r.import);
      setProgress({ phase: "done", fraction: 1 });
    } catch (e) {
      setError(messageOf(e));
      setProgress({ phase: "failed", fraction: 1 });
      // The import record keeps the rejected lines (up to 100).
      const failed = await get<{ imports: ImportView[] }>("/api/v1/imports").then((x) => x.imports.find((i) => i.createdAt >= started), () => undefined);
      if (failed) setResult(failed);
    } finally {
      polling = false;
      recent.reload();
    }
  };
  const label = progress ? { upload: "Uploading", processing: "Processing", done: "Imported", failed: "Not imported" }[progress.phase] : "";
  return (
    <section class="card" aria-labelledby="import-title">
      <h2 id="import-title">Import a CSV</h2>
      {allowed ? (
        <>
          <div
            class={`drop ${over ? "over" : ""}`}
            onDragOver={(e) => (e.preventDefault(), setOver(true))}
            onDragLeave={() => setOver(false)}
            onDrop={(e) => {
              e.preventDefault();
              setOver(false);
              pick(e.dataTransfer?.files[0]);
            }}
          >
            <p>{file ? <b>{file.name}</b> : "Drop a CSV, TSV or .csv.gz file here"}</p>
            <button type="button" class="btn" onClick={() => input.current?.click()}>
              Choose a file…
            </button>
            <input ref={input} type="file" class="sr" tabIndex={-1} aria-label="CSV file" accept=".csv,.tsv,.txt,.gz" onChange={(e) => pick(e.currentTarget.files?.[0])} />
          </div>
          <div class="form row">
            <label class="field">
              <span>Profile</span>
              <select name="profile" value={profile} onChange={(e) => setProfile(e.currentTarget.value)}>
                {BUILT_IN.map((p) => (
                  <option key={p.value} value={p.value}>
                    {p.label}
                  </option>
                ))}
                {(profiles.data?.profiles ?? []).map((p) => (
                  <option key={p.profileId} value={`saved:${p.profileId}`}>
                    Saved: {p.name}
                  </option>
                ))}
                <option value="new">New column profile…</option>
              </select>
            </label>
            <label class="field">
              <span>Billing month (optional)</span>
              <input name="period" placeholder="YYYY-MM" pattern="\d{4}-\d{2}" value={period} onInput={(e) => setPeriod(e.currentTarget.value)} size={8} />
            </label>
            {profile !== "new" && (
              <button type="button" class="btn primary" disabled={!file || progress?.phase === "upload" || progress?.phase === "processing"} onClick={send}>
                Import
              </button>
            )}
          </div>
          {profile === "new" && (
            <ColumnProfile
              file={file}
              onSaved={(id) => {
                profiles.reload();
                setProfile(`saved:${id}`);
              }}
            />
          )}
          {progress && (
            <div class="progress" role="status" aria-live="polite" data-phase={progress.phase}>
              <progress max={1} value={progress.fraction} aria-label={`${label} ${file?.name ?? ""}`} />
              <span>
                {label} {Math.round(progress.fraction * 100)} %
              </span>
            </div>
          )}
          {error && <Notice kind="err">{error}</Notice>}
          {result && <ImportResult imp={result} />}
        </>
      ) : (
        <p class="muted">Only admins import files.</p>
      )}
      <h3>Recent imports</h3>
      <RecentImports imports={recent.data?.imports ?? []} />
    </section>
  );
}

function ImportResult({ imp }: { imp: ImportView }) {
  const skipped = Object.entries(imp.skipped ?? {});
  return (
    <div class="result" data-import={imp.importId}>
      <p>
        <b>{imp.status === "live" ? "Imported" : imp.status}</b>: {imp.rowsAccepted} rows accepted, {imp.rowsRejected} rejected, {imp.rowsSkipped} skipped; {imp.countsApplied} counts now on the board.
      </p>
      {skipped.length > 0 && <p class="small muted">Skipped: {skipped.map(([why, n]) => `${why} (${n})`).join("; ")}</p>}
      {imp.rejected.length > 0 && (
        <table class="grid small errors">
          <caption>Rejected lines</caption>
          <thead>
            <tr>
              <th class="num">Line</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {imp.rejected.map((r) => (
              <tr key={`${r.line}|${r.reason}`}>
                <td class="num">{r.line}</td>
                <td>{r.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function RecentImports({ imports }: { imports: ImportView[] }) {
  if (imports.length === 0) return <p class="muted small">None yet.</p>;
  return (
    <table class="grid small">
      <thead>
        <tr>
          <th>When</th>
          <th>Profile</th>
          <th>Status</th>
          <th class="num">Accepted</th>
          <th class="num">Rejected</th>
        </tr>
      </thead>
      <tbody>
        {imports.slice(0, 8).map((i) => (
          <tr key={i.importId}>
            <td>
              <When iso={i.createdAt} />
            </td>
            <td>{i.profile}</td>
            <td>{i.status}</td>
            <td class="num">{i.rowsAccepted}</td>
            <td class="num">{i.rowsRejected}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

