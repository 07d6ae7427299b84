/**
 * The column-mapping step of a generic CSV: the file's own header is read in
 * the browser (first line; delimiter sniffed like the server does: tab, ';'
 * or ','), each field Trueup needs is picked from those columns, and the
 * profile is saved (POST /api/v1/import-profiles) for this and later files.
 */
import { useEffect, useState } from "preact/hooks";
import { messageOf, post } from "../lib/api.ts";
import { Field, Notice } from "../lib/ui.tsx";

const ROLES: Array<{ key: string; label: string; required: boolean }> = [
  { key: "accountId", label: "Customer / account id", required: true },
  { key: "accountName", label: "Customer name", required: false },
  { key: "serviceName", label: "Service / product name", required: true },
  { key: "serviceId", label: "Service id", required: false },
  { key: "quantity", label: "Quantity", required: true },
  { key: "cost", label: "Cost", required: false },
  { key: "currency", label: "Currency", required: false },
  { key: "date", label: "Date", required: false },
];

export function headerColumns(firstLine: string): string[] {
  const line = firstLine.replace(/^\uFEFF/, "").replace(/\r$/, "");
  const delimiter = line.includes("\t") ? "\t" : line.split(";").length > line.split(",").length ? ";" : ",";
  return line.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, "$1")).filter((c) => c.length > 0);
}

export function ColumnProfile({ file, onSaved }: { file: File | null; onSaved: (profileId: string) => void }) {
  const [columns, setColumns] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!file) return setColumns([]);
    void file.slice(0, 64 * 1024).text().then((t) => setColumns(headerColumns(t.split("\n")[0] ?? "")));
  }, [file]);
  if (!file) return <p class="muted small">Choose the file first: its header gives the columns to map.</p>;
  const submit = async (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const cols: Record<string, string> = {};
    for (const r of ROLES) {
      const v = String(data.get(r.key) ?? "");
      if (v) cols[r.key] = v;
    }
    try {
      const res = await post<{ profile: { profileId: string } }>("/api/v1/import-profiles", {
        name: String(data.get("name") ?? ""),
        columns: cols,
        category: String(data.get("category") ?? "seat"),
        aggregate: data.get("aggregate") === "on",
        // Never guessed (the API refuses a profile without them): how this file writes numbers and dates.
        decimalSeparator: String(data.get("decimalSeparator") ?? ""),
        ...(data.get("dateFormat") ? { dateFormat: String(data.get("dateFormat")) } : {}),
      });
      onSaved(res.profile.profileId);
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <form class="form mapping-step" onSubmit={submit} aria-label="Map the file's columns">
      <p class="small">Which column holds what? ({columns.length} columns found in {file.name})</p>
      <Field label="Profile name">
        <input name="name" required />
      </Field>
      {ROLES.map((r) => (
        <Field key={r.key} label={r.label + (r.required ? "" : " (optional)")}>
          <select name={r.key} required={r.required}>
            <option value="">—</option>
            {columns.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </Field>
      ))}
      <Field label="Numbers are written">
        <select name="decimalSeparator" required>
          <option value="">— choose —</option>
          <option value=".">1,234.5 (decimal point)</option>
          <option value=",">1.234,5 (decimal comma)</option>
        </select>
      </Field>
      <Field label="Dates are written (with a date column)">
        <select name="dateFormat">
          <option value="">—</option>
          <option value="YYYY-MM-DD">2026-11-30</option>
          <option value="M/D/YYYY">11/30/2026 (month first)</option>
          <option value="D/M/YYYY">30/11/2026 (day first)</option>
        </select>
      </Field>
      <Field label="Counted as">
        <select name="category">
          <option value="seat">Seats / licences</option>
          <option value="consumption">Consumption</option>
        </select>
      </Field>
      <label class="inline">
        <input type="checkbox" name="aggregate" /> Add up rows with the same customer and service
      </label>
      <div class="buttons">
        <button class="btn primary" type="submit">
          Save profile
        </button>
      </div>
      {error && <Notice kind="err">{error}</Notice>}
    </form>
  );
}
