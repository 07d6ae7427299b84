/**
 * The demo host page (served by the ConnectWise simulator's process, see
 * scripts/demo-host.ts): a ConnectWise-like agreement screen that frames the
 * Trueup pod from the Worker's origin and plays the host side of the Hosted
 * API protocol (protocol.ts). The Additions grid reads the simulator
 * (`/_sim/agreements…`, same origin) and re-reads it every 2 s and on the
 * pod's refreshScreen, so a write-back approved in the pod shows up here.
 * Not part of the pod bundle (its own Vite input).
 */
import "./host.css";
import { connectPod } from "./protocol.ts";
import { renderAdditions, renderAgreement, renderPicker, type SimAddition, type SimAgreement } from "./screen.ts";

interface DemoConfig {
  podOrigin: string;
  integrationId: string;
  siteOrigin: string;
  member: Record<string, string>;
}

interface AgreementSummary {
  id: number;
  name: string;
  cancelledFlag: boolean;
}

const POLL_MS = 2_000;
/** How long a changed quantity stays highlighted with its old value. */
const HIGHLIGHT_MS = 15_000;
const DEFAULT_AGREEMENT = 4101;

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { cache: "no-store" });
  if (!res.ok) throw new Error(`${path} answered ${res.status}`);
  return (await res.json()) as T;
}

function log(line: string): void {
  const item = document.createElement("li");
  item.textContent = `${new Date().toLocaleTimeString()}  ${line}`;
  document.getElementById("log")!.append(item);
}

function pickAgreement(list: AgreementSummary[]): number {
  const wanted = Number(new URLSearchParams(location.search).get("agreement"));
  if (list.some((a) => a.id === wanted)) return wanted;
  return (list.find((a) => a.id === DEFAULT_AGREEMENT) ?? list.find((a) => !a.cancelledFlag) ?? list[0])?.id ?? DEFAULT_AGREEMENT;
}

function createScreen(agreementId: number) {
  const shown = new Map<number, number>();
  const changes = new Map<number, { was: number; until: number }>();
  let currency = "USD";

  async function refresh(): Promise<void> {
    const { agreement, additions } = await getJson<{ agreement: SimAgreement; additions: SimAddition[] }>(`/_sim/agreements/${agreementId}`);
    const now = Date.now();
    for (const a of additions) {
      const before = shown.get(a.id);
      if (before !== undefined && before !== a.quantity) changes.set(a.id, { was: changes.get(a.id)?.was ?? before, until: now + HIGHLIGHT_MS });
      shown.set(a.id, a.quantity);
    }
    for (const [id, change] of changes) if (change.until < now || change.was === shown.get(id)) changes.delete(id);
    currency = agreement.currency.currencyCode;
    renderAgreement(agreement);
    renderAdditions(additions, currency, new Map([...changes].map(([id, c]) => [id, c.was])));
    document.getElementById("refreshed")!.textContent = `Read from ConnectWise at ${new Date().toLocaleTimeString()} · refreshes every ${POLL_MS / 1000} s`;
  }

  return { refresh };
}

async function main(): Promise<void> {
  const [config, { agreements }] = await Promise.all([getJson<DemoConfig>("/demo/config.json"), getJson<{ agreements: AgreementSummary[] }>("/_sim/agreements")]);
  const agreementId = pickAgreement(agreements);
  renderPicker(agreements, agreementId);
  document.getElementById("member")!.textContent = `Signed in as ${config.member.memberid ?? "?"}`;
  const screen = createScreen(agreementId);
  await screen.refresh();
  const frame = document.getElementById("pod") as HTMLIFrameElement;
  const pod = connectPod({
    frame,
    podOrigin: config.podOrigin,
    member: config.member,
    screenObject: { screen: "agreement", id: agreementId, hostedAs: "pod" },
    onRefresh: () => void screen.refresh().catch((e: unknown) => log(`refresh failed: ${String(e)}`)),
    log,
  });
  // The URL as registered in Manage Hosted API, with [cw_id] and [cw_screen] substituted (§2.6).
  frame.src = `${config.podOrigin}/pod/connectwise/${encodeURIComponent(config.integrationId)}?id=${agreementId}&screen=agreement`;
  setInterval(() => void screen.refresh().catch((e: unknown) => log(`refresh failed: ${String(e)}`)), POLL_MS);
  const status = document.getElementById("save-status")!;
  document.getElementById("save")!.addEventListener("click", async () => {
    status.textContent = "Saving…";
    const result = await pod.sendEvent("beforeSave");
    status.textContent = result === "success" ? "Saved (the pod acknowledged beforeSave)" : `Not saved: the pod answered beforeSave with ${result}`;
  });
  document.documentElement.dataset.host = "ready";
}

main().catch((error: unknown) => {
  document.documentElement.dataset.host = "error";
  document.getElementById("agr-title")!.textContent = `The demo host could not start: ${error instanceof Error ? error.message : String(error)}`;
});
