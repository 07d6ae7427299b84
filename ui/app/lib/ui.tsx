/** Small shared pieces of the workspace pages: a form field, a copy button, a status line, relative times, async state. */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { formatAge, formatInstant } from "../../lib/format.ts";
import { get, messageOf } from "./api.ts";

export function Field({ label, hint, children }: { label: string; hint?: string; children: ComponentChildren }) {
  return (
    <label class="field">
      <span>{label}</span>
      {children}
      {hint && <span class="muted small">{hint}</span>}
    </label>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone(true);
      setTimeout(() => setDone(false), 2000);
    } catch {
      // Clipboard refused (insecure origin): the value stays selectable on screen.
    }
  };
  return (
    <button type="button" class="btn" onClick={copy} aria-label={`Copy ${label}`}>
      {done ? "Copied" : "Copy"}
    </button>
  );
}

/** A secret or address shown once, selectable, with a copy button. */
export function Secret({ label, value }: { label: string; value: string }) {
  return (
    <div class="secret">
      <span class="small muted">{label}</span>
      <code data-secret={label}>{value}</code>
      <CopyButton text={value} label={label} />
    </div>
  );
}

export function When({ iso, never = "never" }: { iso: string | null | undefined; never?: string }) {
  if (!iso) return <span class="muted">{never}</span>;
  return <time dateTime={iso} title={formatInstant(iso)}>{formatAge(iso, new Date())}</time>;
}

export function Notice({ kind, children }: { kind: "ok" | "err" | "info"; children: ComponentChildren }) {
  return (
    <p class={`banner ${kind}`} role={kind === "err" ? "alert" : "status"}>
      {children}
    </p>
  );
}

/** GET a path; `reload()` fetches it again. */
export function useGet<T>(path: string | null): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    if (!path) return;
    let live = true;
    get<T>(path)
      .then((d) => live && (setData(d), setError(null)))
      .catch((e) => live && setError(messageOf(e)));
    return () => {
      live = false;
    };
  }, [path, n]);
  return { data, error, reload: () => setN((x) => x + 1) };
}

/** Form fields as strings, empty ones left out. */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new FormData(form)) if (typeof v === "string" && v.trim() !== "") out[k] = v.trim();
  return out;
}
