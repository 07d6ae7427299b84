/**
 * Users (admins only): who can sign in to the workspace with which role;
 * create a user, change a role, disable or re-enable, reset a password. The
 * API refuses to leave the tenant without an admin and says so.
 */
import { useState } from "preact/hooks";
import { messageOf, patch, post } from "../lib/api.ts";
import { useSession } from "../lib/session.ts";
import type { Role, UserListResponse, UserView } from "../lib/types.ts";
import { Field, formValues, Notice, useGet, When } from "../lib/ui.tsx";

const ROLES: Array<{ role: Role; label: string }> = [
  { role: "admin", label: "Admin — everything" },
  { role: "approver", label: "Approver — decide, map, note" },
  { role: "viewer", label: "Viewer — read and export" },
];

export function Users() {
  const { user: me } = useSession();
  const list = useGet<UserListResponse>("/api/v1/users");
  const [msg, setMsg] = useState<{ kind: "ok" | "err"; text: string } | null>(null);
  const change = async (u: UserView, body: Record<string, unknown>, done: string) => {
    try {
      await patch(`/api/v1/users/${encodeURIComponent(u.id)}`, body);
      setMsg({ kind: "ok", text: done });
      list.reload();
    } catch (e) {
      setMsg({ kind: "err", text: messageOf(e) });
    }
  };
  const create = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    try {
      await post("/api/v1/users", formValues(form));
      setMsg({ kind: "ok", text: "User created. Give them the password through a safe channel; they can sign in now." });
      form.reset();
      list.reload();
    } catch (err) {
      setMsg({ kind: "err", text: messageOf(err) });
    }
  };
  const reset = (u: UserView) => {
    const password = prompt(`New password for ${u.email} (at least 12 characters)`);
    if (password) void change(u, { password }, `Password of ${u.email} reset.`);
  };
  return (
    <>
      <div class="page-head">
        <h1>Users</h1>
      </div>
      {list.error && <Notice kind="err">{list.error}</Notice>}
      {msg && <Notice kind={msg.kind}>{msg.text}</Notice>}
      <table class="grid users">
        <thead>
          <tr>
            <th>User</th>
            <th>Role</th>
            <th>Last sign-in</th>
            <th>
              <span class="sr">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.users ?? []).map((u) => (
            <tr key={u.id} data-user={u.email} class={u.disabled ? "off" : ""}>
              <td>
                <b>{u.displayName ?? u.email}</b>
                <div class="muted small">
                  {u.email}
                  {u.disabled ? " · disabled" : ""}
                  {u.id === me.id ? " · you" : ""}
                </div>
              </td>
              <td>
                <select aria-label={`Role of ${u.email}`} value={u.role} onChange={(e) => change(u, { role: e.currentTarget.value }, `${u.email} is now ${e.currentTarget.value}.`)}>
                  {ROLES.map((r) => (
                    <option key={r.role} value={r.role}>
                      {r.role}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <When iso={u.lastSignInAt} />
              </td>
              <td>
                <div class="acts">
                <button type="button" class="btn" onClick={() => change(u, { disabled: !u.disabled }, `${u.email} ${u.disabled ? "enabled" : "disabled"}.`)}>
                  {u.disabled ? "Enable" : "Disable"}
                </button>
                <button type="button" class="btn" onClick={() => reset(u)}>
                  Reset password
                </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="card form" onSubmit={create} aria-label="Add a user">
        <h2>Add a user</h2>
        <Field label="E-mail">
          <input name="email" type="email" required autocomplete="off" />
        </Field>
        <Field label="Name">
          <input name="displayName" autocomplete="off" />
        </Field>
        <Field label="Password" hint="At least 12 characters">
          <input name="password" type="password" required minLength={12} autocomplete="new-password" />
        </Field>
        <Field label="Role">
          <select name="role">
            {ROLES.map((r) => (
              <option key={r.role} value={r.role}>
                {r.label}
              </option>
            ))}
          </select>
        </Field>
        <div class="buttons">
          <button type="submit" class="btn primary">
            Add user
          </button>
        </div>
      </form>
    </>
  );
}
