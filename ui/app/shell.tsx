/**
 * The workspace shell: restores the session (GET /api/app/session) or shows
 * the sign-in form; then the navigation, the signed-in user with sign-out,
 * and the current page. Pages an approver or viewer cannot use are not offered.
 */
import { useEffect, useState } from "preact/hooks";
import { ApiError, del, get, messageOf, onUnauthorized, post, prefetch, setCsrfToken } from "./lib/api.ts";
import { boardPagePath, filterFromSearch } from "./lib/board-query.ts";
import { navigate, onLinkClick, pageFromPath, pageHref, tenantFromPath, usePathname, type Page } from "./lib/router.ts";
import { can, SessionContext, type Session } from "./lib/session.ts";
import type { SessionResponse } from "./lib/types.ts";
import { Activity } from "./pages/activity.tsx";
import { Board } from "./pages/board.tsx";
import { Connections } from "./pages/connections.tsx";
import { Health } from "./pages/health.tsx";
import { Mappings } from "./pages/mappings.tsx";
import { Users } from "./pages/users.tsx";

const NAV: Array<{ page: Page; label: string; admin?: boolean }> = [
  { page: "", label: "Month end" },
  { page: "connections", label: "Connections" },
  { page: "mappings", label: "Mappings" },
  { page: "health", label: "Health & alerts" },
  { page: "activity", label: "Activity" },
  { page: "users", label: "Users", admin: true },
];

export function Shell() {
  const path = usePathname();
  const tenantId = tenantFromPath(path);
  const [session, setSession] = useState<Session | null | "loading">("loading");
  useEffect(() => {
    if (!tenantId) return;
    onUnauthorized(() => setSession(null));
    // The board's first page is asked for alongside the session check (a 401 just shows the sign-in).
    if (pageFromPath(location.pathname) === "") prefetch(boardPagePath(filterFromSearch(location.search)));
    get<SessionResponse>("/api/app/session")
      .then((s) => {
        setCsrfToken(s.csrfToken);
        setSession({ tenantId, user: s.user });
      })
      .catch(() => setSession(null));
  }, [tenantId]);
  if (!tenantId) {
    return (
      <main class="center">
        <h1>Trueup</h1>
        <p>Open the workspace at /app/&lt;your tenant id&gt;/ — the address is in your welcome e-mail or in the output of npm run dev.</p>
      </main>
    );
  }
  if (session === "loading") return <main class="center" aria-busy="true"><p class="muted">Loading…</p></main>;
  if (session === null) return <SignIn tenantId={tenantId} onSignedIn={setSession} />;
  const page = pageFromPath(path);
  const signOut = async () => {
    await del("/api/app/session").catch(() => undefined);
    setCsrfToken("");
    setSession(null);
  };
  const nav = NAV.filter((n) => !n.admin || can(session.user.role, "admin"));
  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <span class="brand">Trueup</span>
        <nav aria-label="Workspace">
          {nav.map((n) => (
            <a key={n.page} href={pageHref(tenantId, n.page)} onClick={onLinkClick} aria-current={page === n.page ? "page" : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <span class="who">
          <span class="small">
            {session.user.displayName ?? session.user.email} <span class="role">{session.user.role}</span>
          </span>
          <button type="button" class="btn" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" class="page">
        <Route page={page} session={session} />
      </main>
    </SessionContext.Provider>
  );
}

function Route({ page, session }: { page: Page | null; session: Session }) {
  switch (page) {
    case "":
      return <Board />;
    case "connections":
      return <Connections />;
    case "mappings":
      return <Mappings />;
    case "health":
      return <Health />;
    case "activity":
      return <Activity />;
    case "users":
      return can(session.user.role, "admin") ? <Users /> : <p role="alert">Only admins manage users.</p>;
    default:
      return (
        <p>
          No such page. <a href={pageHref(session.tenantId, "")} onClick={onLinkClick}>Go to month end</a>
        </p>
      );
  }
}

function SignIn({ tenantId, onSignedIn }: { tenantId: string; onSignedIn: (s: Session) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      const s = await post<SessionResponse>("/api/app/session", { tenantId, email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") });
      setCsrfToken(s.csrfToken);
      onSignedIn({ tenantId, user: s.user });
      if (pageFromPath(location.pathname) === null) navigate(pageHref(tenantId, ""));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? "Wrong e-mail or password." : messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="center">
      <form class="login card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to Trueup</h1>
        <p class="muted small">Billing workspace · tenant {tenantId}</p>
        <label>
          E-mail
          <input name="email" type="email" autocomplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        {error && (
          <p role="alert" class="err">
            {error}
          </p>
        )}
        <button class="btn primary" type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
