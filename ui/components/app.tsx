/**
 * The pod's sign-in flow. ConnectWise: refuse outside an allowed parent, run
 * the host handshake, relay getMemberAuthentication to the Worker (it checks
 * with ConnectWise) and keep the session token in memory. Standalone: refresh
 * from the same-site cookie or show the sign-in form. Then open the context.
 * `data-pod` on <html> mirrors the phase (used by the browser tests).
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import type { Boot } from "../lib/boot.ts";
import type { PodContextResponse, PodSessionResponse } from "../../src/shared/pod-types.ts";
import { createApi, type TokenSource } from "../state/api.ts";
import { connectHost } from "../state/host-bridge.ts";
import { contextQuery, login, logout, memberSession, refreshSession } from "../state/sign-in.ts";
import { createViewStore, type ViewStore } from "../state/view-store.ts";
import { View } from "./view.tsx";

type Phase =
  | { kind: "connecting" }
  | { kind: "login"; error: string | null }
  | { kind: "refused"; message: string }
  | { kind: "error"; message: string }
  | { kind: "ready"; store: ViewStore; actor: string };

interface Session {
  token: string | null;
  actor: string;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function App({ boot }: { boot: Boot }) {
  const [phase, setPhase] = useState<Phase>({ kind: "connecting" });
  const session = useMemo<Session>(() => ({ token: null, actor: "" }), []);
  useEffect(() => {
    document.documentElement.dataset.pod = phase.kind;
  }, [phase.kind]);

  const accept = (s: PodSessionResponse) => {
    session.token = s.token;
    session.actor = s.actor;
    return s.token;
  };

  async function open(renew: () => Promise<string>, known?: PodContextResponse): Promise<void> {
    const tokens: TokenSource = { current: () => session.token, renew };
    const api = createApi(tokens);
    const query = contextQuery(boot);
    if (typeof query !== "string") return setPhase({ kind: "error", message: query.message });
    try {
      const ctx = known ?? (await api.get<PodContextResponse>(`/api/pod/context?${query}`));
      // Only the ConnectWise pod is sure its agreements are ConnectWise's, whose write-back applies at once.
      const store = createViewStore(api, ctx, boot.mode === "connectwise");
      void store.load(); // before the first render: no wait for an effect
      setPhase({ kind: "ready", store, actor: session.actor });
    } catch (e) {
      setPhase({ kind: "error", message: errorText(e) });
    }
  }

  useEffect(() => {
    if (boot.mode === "connectwise") {
      const bridge = connectHost(boot.origins);
      if (bridge.verdict === "not-framed") return setPhase({ kind: "refused", message: "This pod opens inside ConnectWise, on an agreement or company screen." });
      if (bridge.verdict === "wrong-parent") return setPhase({ kind: "refused", message: "This pod only runs inside your ConnectWise." });
      const renew = async () => accept(await memberSession(bridge, boot.integrationId));
      const query = contextQuery(boot);
      memberSession(bridge, boot.integrationId, typeof query === "string" ? query : undefined).then(
        (s) => (accept(s), open(renew, s.context)),
        (e) => setPhase({ kind: "error", message: `Sign-in through ConnectWise failed: ${errorText(e)}` }),
      );
    } else {
      const renew = async () => accept(await refreshSession(boot.tenantId));
      renew().then(() => open(renew), () => setPhase({ kind: "login", error: null }));
    }
  }, []);

  if (phase.kind === "ready") {
    const signOut = boot.mode === "standalone" ? () => void logout(session.token ?? "").then(() => ((session.token = null), setPhase({ kind: "login", error: null }))) : undefined;
    return <View store={phase.store} actor={phase.actor} onSignOut={signOut} />;
  }
  if (phase.kind === "login" && boot.mode === "standalone") {
    const submit = async (email: string, password: string) => {
      try {
        accept(await login(boot.tenantId, email, password));
        await open(async () => accept(await refreshSession(boot.tenantId)));
      } catch (e) {
        setPhase({ kind: "login", error: errorText(e) });
      }
    };
    return <LoginForm error={phase.error} onSubmit={submit} />;
  }
  if (phase.kind === "refused" || phase.kind === "error") {
    return (
      <div class="center" role="alert">
        <h1>Trueup</h1>
        <p>{phase.message}</p>
      </div>
    );
  }
  return (
    <div class="center" role="status">
      <p class="muted">Connecting…</p>
    </div>
  );
}

function LoginForm({ error, onSubmit }: { error: string | null; onSubmit: (email: string, password: string) => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    await onSubmit(String(form.get("email") ?? ""), String(form.get("password") ?? ""));
    setBusy(false);
  };
  return (
    <form class="login" onSubmit={submit}>
      <h1>Sign in to Trueup</h1>
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required autoFocus />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error && (
        <p class="banner err" role="alert">
          {error}
        </p>
      )}
      <button class="btn primary" type="submit" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
