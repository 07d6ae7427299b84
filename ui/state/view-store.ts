/**
 * State of one pod view (an agreement, or all agreements of a company) in
 * signals: the reconciliation, the decisions behind each row, line notes,
 * unmapped usage, and each row's action in flight. Decisions are posted with
 * an Idempotency-Key and polled (GET /api/v1/decisions/:id) until the PSA
 * write-back is applied or failed; then the view reloads without a page reload.
 */
import { batch, signal } from "@preact/signals";
import type {
  CompanyListResponse,
  DecisionListResponse,
  DecisionRequest,
  DecisionResponse,
  DecisionView,
  IgnoredAccountsResponse,
  MapAccountResponse,
  MappingPreviewResponse,
  MapServiceRequest,
  MapAccountRequest,
  ProductListResponse,
  ReconciliationPage,
  ReconciliationResponse,
  UnmappedResponse,
} from "../../src/shared/api-types.ts";
import { compareDecimals } from "../lib/decimal.ts";
import { formatDay, formatQuantity } from "../lib/format.ts";
import { describeWrite, lineKey as noteKey, newIdempotencyKey } from "../lib/decisions.ts";
import type { LineNoteListResponse, LineNoteResponse, LineNoteView, PodContextResponse, PodPeopleResponse } from "../../src/shared/pod-types.ts";
import type { Api } from "./api.ts";

export interface RowAction {
  phase: "submitting" | "pending" | "applied" | "failed";
  message: string;
}

export type LoadState = "loading" | "ready" | "error";

/** The last mapping saved in this view, undone by saving back what it replaced (audited like any mapping). */
export type LastMapping =
  | { kind: "service"; label: string; serviceId: string; productKey: string }
  | { kind: "account"; label: string; accountId: string; previous: MapAccountResponse["previous"] }
  | { kind: "ignore"; label: string; accountId: string };

const POLL_START_MS = 500;
const POLL_MAX_MS = 4_000;
const POLL_GIVE_UP_MS = 120_000;


export function agreementIdsOf(ctx: PodContextResponse): string[] {
  return ctx.kind === "agreement" ? [ctx.agreement.id] : ctx.agreements.filter((a) => !a.cancelled).map((a) => a.id);
}

export function createViewStore(api: Api, ctx: PodContextResponse, psaAppliesAtOnce = false) {
  const data = signal<ReconciliationResponse | null>(null);
  const state = signal<LoadState>("loading");
  const error = signal<string | null>(null);
  const refreshFailed = signal<string | null>(null);
  const decisions = signal<DecisionView[] | null>(null);
  const notes = signal<Record<string, LineNoteView>>({});
  const unmapped = signal<UnmappedResponse | null>(null);
  const actions = signal<Record<string, RowAction>>({});
  const names = signal<Record<string, string>>({});
  const lastMapping = signal<LastMapping | null>(null);
  const agreementIds = agreementIdsOf(ctx);
  const reconPath = ctx.kind === "agreement" ? `/api/v1/agreements/${encodeURIComponent(ctx.agreement.id)}/reconciliation` : `/api/v1/reconciliation?companyId=${encodeURIComponent(ctx.company.id)}&limit=500`;

  /** A company's rows may span pages of the tenant-wide list: follow the cursor (totals already cover them all). */
  async function loadRecon(): Promise<ReconciliationResponse> {
    const first = await api.get<ReconciliationPage | ReconciliationResponse>(reconPath);
    if (!("nextCursor" in first)) return first;
    const rows = [...first.rows];
    for (let cursor = first.nextCursor; cursor !== null; ) {
      const next = await api.get<ReconciliationPage>(`${reconPath}&cursor=${encodeURIComponent(cursor)}`);
      rows.push(...next.rows);
      cursor = next.nextCursor;
    }
    return { ...first, rows };
  }

  async function loadDecisions(): Promise<void> {
    try {
      const lists = await Promise.all(agreementIds.map((id) => api.get<DecisionListResponse>(`/api/v1/agreements/${encodeURIComponent(id)}/decisions`)));
      decisions.value = lists.flatMap((l) => l.decisions).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    } catch {
      decisions.value = null; // not available: rows still show, actions still work
    }
  }

  async function loadNotes(): Promise<void> {
    try {
      const lists = await Promise.all(agreementIds.map((id) => api.get<LineNoteListResponse>(`/api/v1/agreements/${encodeURIComponent(id)}/notes`)));
      notes.value = Object.fromEntries(lists.flatMap((l) => l.notes).map((n) => [noteKey(n.agreementId, n.productKey), n]));
    } catch {
      notes.value = {};
    }
  }

  async function loadUnmapped(): Promise<void> {
    try {
      unmapped.value = await api.get<UnmappedResponse>(`/api/v1/mappings/unmapped?companyId=${encodeURIComponent(ctx.company.id)}`);
    } catch {
      unmapped.value = null;
    }
  }

  async function loadNames(): Promise<void> {
    try {
      names.value = (await api.get<PodPeopleResponse>("/api/pod/people")).names;
    } catch {
      // names are a nicety: actors then show without their prefix
    }
  }

  let inFlight: Promise<void> | null = null;
  let again = false;

  /** Reloads everything; calls while a load runs coalesce into one more load after it. */
  function load(): Promise<void> {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = loadOnce().finally(() => {
      inFlight = null;
      if (again) {
        again = false;
        void load();
      }
    });
    return inFlight;
  }

  async function loadOnce(): Promise<void> {
    if (!data.value) state.value = "loading";
    // Rows and the decisions behind their buttons first; notes and unmapped usage
    // after, so they do not compete with the rows for the Worker on first paint.
    const decided = loadDecisions();
    let side: Promise<unknown> = decided;
    try {
      const [recon] = await Promise.all([loadRecon(), decided]);
      side = Promise.all([loadNotes(), loadUnmapped(), loadNames()]);
      batch(() => {
        data.value = recon;
        state.value = "ready";
        error.value = null;
        refreshFailed.value = null;
      });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (data.value) refreshFailed.value = message;
      else batch(() => ((state.value = "error"), (error.value = message)));
    }
    await side;
  }

  function setAction(rowKey: string, action: RowAction | null): void {
    const next = { ...actions.value };
    if (action) next[rowKey] = action;
    else delete next[rowKey];
    actions.value = next;
  }

  /**
   * After an applied write-back the Worker re-syncs the agreement just after the
   * decision reads "applied" (src/services/psa/writeback.ts), so the first reload
   * can still show the old PSA quantity: reload until the row shows the target (≤ ~3 s).
   */
  async function loadAfterApplied(rowKey: string, decision: DecisionView): Promise<void> {
    for (let attempt = 0; attempt < 4; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 750));
      await load();
      const row = data.value?.rows.find((r) => r.key === rowKey);
      if (!row || decision.newQuantity === null || compareDecimals(row.psaQuantity, decision.newQuantity) === 0) return;
    }
  }

  async function poll(rowKey: string, id: string): Promise<void> {
    const started = Date.now();
    for (let wait = POLL_START_MS; Date.now() - started < POLL_GIVE_UP_MS; wait = Math.min(wait * 2, POLL_MAX_MS)) {
      await new Promise((r) => setTimeout(r, wait));
      let decision: DecisionView;
      try {
        decision = (await api.get<DecisionResponse>(`/api/v1/decisions/${encodeURIComponent(id)}`)).decision;
      } catch {
        continue;
      }
      if (decision.writebackState === "pending") continue;
      const failed = decision.writebackState === "failed";
      setAction(rowKey, { phase: failed ? "failed" : "applied", message: failed ? (decision.writebackError ?? "The PSA refused the change") : doneMessage(decision) });
      await (failed ? load() : loadAfterApplied(rowKey, decision));
      return;
    }
    setAction(rowKey, { phase: "failed", message: "No answer from the PSA yet; check later" });
  }

  /** Posts a decision for a row and follows its write-back. */
  async function decide(rowKey: string, request: DecisionRequest): Promise<void> {
    setAction(rowKey, { phase: "submitting", message: "Sending…" });
    try {
      const { decision } = await api.send<DecisionResponse>("POST", "/api/v1/decisions", request, { "Idempotency-Key": newIdempotencyKey() });
      if (decision.writebackState === "pending") {
        setAction(rowKey, { phase: "pending", message: "Writing to the PSA…" });
        await poll(rowKey, decision.id);
      } else if (decision.writebackState === "scheduled") {
        // Held by Trueup until its day: the row's state line says so and offers Cancel.
        setAction(rowKey, null);
        await load();
      } else {
        const failed = decision.writebackState === "failed";
        setAction(rowKey, { phase: failed ? "failed" : "applied", message: failed ? (decision.writebackError ?? "Failed") : doneMessage(decision) });
        await load();
      }
    } catch (e) {
      setAction(rowKey, { phase: "failed", message: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Cancels a scheduled change (POST /api/v1/decisions/:id/cancel), or re-queues a failed write-back with its date and quantity (…/retry). */
  async function follow(rowKey: string, id: string, what: "cancel" | "retry"): Promise<void> {
    setAction(rowKey, { phase: "submitting", message: what === "cancel" ? "Cancelling…" : "Retrying…" });
    try {
      const { decision } = await api.send<DecisionResponse>("POST", `/api/v1/decisions/${encodeURIComponent(id)}/${what}`, {});
      if (decision.writebackState === "pending") {
        setAction(rowKey, { phase: "pending", message: "Writing to the PSA…" });
        await poll(rowKey, decision.id);
        return;
      }
      setAction(rowKey, null);
      await load();
    } catch (e) {
      setAction(rowKey, { phase: "failed", message: e instanceof Error ? e.message : String(e) });
    }
  }

  async function saveNote(agreementId: string, productKey: string, text: string): Promise<void> {
    const path = `/api/v1/agreements/${encodeURIComponent(agreementId)}/notes/${encodeURIComponent(productKey)}`;
    const { note } = await api.send<LineNoteResponse>("PUT", path, { note: text });
    const next = { ...notes.value };
    if (note) next[noteKey(agreementId, productKey)] = note;
    else delete next[noteKey(agreementId, productKey)];
    notes.value = next;
  }

  const preview = (body: MapServiceRequest | MapAccountRequest) => api.send<MappingPreviewResponse>("POST", "/api/v1/mappings/preview", body);

  /** `rule`: the mapping's count rule (the rule panel); absent keeps the rule in force. */
  async function mapService(serviceId: string, productKey: string, label = productKey, rule?: MapServiceRequest["rule"]): Promise<void> {
    const { created } = await api.send<{ created: boolean }>("POST", "/api/v1/mappings/services", { serviceId, productKey, rule });
    lastMapping.value = created ? { kind: "service", label, serviceId, productKey } : null;
    await load();
  }

  async function mapAccount(accountId: string, companyId: string, label = companyId): Promise<void> {
    const { previous } = await api.send<MapAccountResponse>("POST", "/api/v1/mappings/accounts", { accountId, companyId });
    lastMapping.value = { kind: "account", label, accountId, previous };
    await load();
  }

  async function setIgnored(accountId: string, ignored: boolean, label = accountId): Promise<void> {
    await api.send(ignored ? "PUT" : "DELETE", `/api/v1/mappings/ignored/${encodeURIComponent(accountId)}`);
    lastMapping.value = ignored ? { kind: "ignore", label, accountId } : null;
    await load();
  }

  /** Undo = put back what the last mapping replaced. */
  async function undoMapping(): Promise<void> {
    const last = lastMapping.value;
    if (!last) return;
    if (last.kind === "service") await api.send("DELETE", `/api/v1/mappings/services/${encodeURIComponent(last.serviceId)}/${encodeURIComponent(last.productKey)}`);
    else if (last.kind === "ignore") await api.send("DELETE", `/api/v1/mappings/ignored/${encodeURIComponent(last.accountId)}`);
    else if (last.previous) await api.send("POST", "/api/v1/mappings/accounts", { accountId: last.accountId, ...last.previous });
    else await api.send("DELETE", `/api/v1/mappings/accounts/${encodeURIComponent(last.accountId)}`);
    lastMapping.value = null;
    await load();
  }

  const ignoredAccounts = () => api.get<IgnoredAccountsResponse>("/api/v1/mappings/ignored");

  /** An actor as a person: the name the tenant knows, else the id without its "member:"/"user:" prefix. */
  const nameOf = (actor: string) => names.value[actor] ?? actor.replace(/^(member|user|api-key):/, "");

  const products = () => api.get<ProductListResponse>("/api/v1/products");
  const companies = () => api.get<CompanyListResponse>("/api/v1/companies");

  return {
    api, ctx, psaAppliesAtOnce, data, state, error, refreshFailed, decisions, notes, unmapped, actions, names, lastMapping,
    load, decide, follow, saveNote, preview, mapService, mapAccount, setIgnored, undoMapping, ignoredAccounts, nameOf, products, companies,
  };
}

function doneMessage(d: DecisionView): string {
  if (d.action === "dismiss") return "Dismissed for this billing cycle";
  if (d.action === "revert") return d.newQuantity === null ? "Dismissal undone" : `Reverted to ${formatQuantity(d.newQuantity)}`;
  // Same wording as the row's persisted state (table.tsx StateLine), so a reload does not change it.
  // Superseded or cancelled: never written to the PSA, so not "Applied".
  const state = d.writebackState;
  return state === "not-required" ? "Recorded" : state === "superseded" || state === "cancelled" ? "Not written" : describeWrite(d);
}

export type ViewStore = ReturnType<typeof createViewStore>;
