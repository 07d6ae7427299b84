/**
 * A tiny stand-in for ConnectWise in the browser tests (phase 1; the full
 * simulator comes with the PSA issue): the one API call the Worker makes for
 * the pod — `GET /system/myMembers/info` with the member's cookies and the
 * clientId header (psa-and-vendor-apis.md §2.6) — and host pages that embed
 * the pod and play the host side of the postMessage protocol. The same
 * server answers on http://localhost:P (the allowed PSA origin) and
 * http://127.0.0.1:P (a look-alike that is not allowed).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export const CW_COMPANY = "NorthwindIT";
export const CW_CLIENT_ID = "5b1a7c2e-0f3d-4e8a-9b6c-1d2e3f4a5b6c";
export const MEMBER = { memberid: "jsmith", memberHash: "hash-of-jsmith", identifier: "JSmith" };
export const API_PATH = "/v4_6_release/apis/3.0";

function cookies(req: IncomingMessage): Record<string, string> {
  const header = req.headers.cookie ?? "";
  return Object.fromEntries(header.split("; ").map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
}

function memberInfo(req: IncomingMessage, res: ServerResponse): void {
  const c = cookies(req);
  const ok = req.headers.clientid === CW_CLIENT_ID && c.companyName === CW_COMPANY && c.memberId === MEMBER.memberid && c.memberHash === MEMBER.memberHash;
  res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
  res.end(JSON.stringify(ok ? { id: 17, identifier: MEMBER.identifier, firstName: "Jo", lastName: "Smith", inactiveFlag: false } : { code: "Unauthorized", message: "Authentication failed." }));
}

/** The host page: a ConnectWise-like frame around the pod. `silent` hosts answer only when window.answerPod() is called. */
export function hostPage(podUrl: string, silent: boolean, attackerUrls: string[]): string {
  const podOrigin = new URL(podUrl).origin;
  const auth = { site: "localhost", companyid: CW_COMPANY.toLowerCase(), memberid: MEMBER.memberid, memberHash: MEMBER.memberHash, memberContext: "ctx-1", memberEmail: "jsmith@northwind.test" };
  return `<!doctype html><html><head><meta charset="utf-8"><title>Agreement - ConnectWise (test host)</title>
<style>body{margin:0;font:13px system-ui}header{background:#026cb6;color:#fff;padding:8px 12px}iframe{border:0;width:100%;height:calc(100vh - 34px);display:block}</style></head>
<body><header>ConnectWise PSA · test host</header>
<iframe id="pod" name="pod" src="${podUrl}"></iframe>
${attackerUrls.map((u) => `<iframe class="attacker" src="${u}" style="height:30px"></iframe>`).join("")}
<script>
window.hostLog = [];
let answering = ${silent ? "false" : "true"};
const pending = [];
const pod = document.getElementById("pod");
const send = (m) => pod.contentWindow.postMessage(JSON.stringify(m), ${JSON.stringify(podOrigin)});
function handle(m) {
  if (m.message === "ready") send({ MessageFrameID: "frame-1" });
  if (m.hosted_request === "getMemberAuthentication") send({ response: "getmemberauthentication", data: ${JSON.stringify(auth)} });
}
window.answerPod = () => { answering = true; pending.splice(0).forEach(handle); };
window.fireEvent = (event, id) => send({ event, _id: id, data: {} });
window.addEventListener("message", (e) => {
  if (e.origin !== ${JSON.stringify(podOrigin)}) return;
  const m = JSON.parse(e.data);
  window.hostLog.push(m);
  if (answering) handle(m); else pending.push(m);
});
</script></body></html>`;
}

/** A look-alike frame that forges host messages to the pod (the first frame of its parent). */
export function attackerPage(): string {
  const forged = { site: "evil", companyid: CW_COMPANY, memberid: MEMBER.memberid, memberHash: MEMBER.memberHash, memberContext: "x" };
  return `<!doctype html><html><body>look-alike<script>
const target = parent.frames[0];
let n = 0;
const timer = setInterval(() => {
  target.postMessage(JSON.stringify({ MessageFrameID: "evil" }), "*");
  target.postMessage(JSON.stringify({ response: "getmemberauthentication", data: ${JSON.stringify(forged)} }), "*");
  target.postMessage({ MessageFrameID: "evil-object" }, "*");
  if (++n >= 10) clearInterval(timer);
}, 50);
</script></body></html>`;
}

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === `${API_PATH}/system/myMembers/info`) return memberInfo(req, res);
  const html = (body: string) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(body);
  };
  if (url.pathname === "/host") return html(hostPage(url.searchParams.get("pod") ?? "", url.searchParams.get("mode") === "silent", url.searchParams.getAll("attacker")));
  if (url.pathname === "/attacker") return html(attackerPage());
  res.writeHead(404).end();
}

/** Listens on 127.0.0.1 at a port ≤ 6553, so that port·10 is still a valid port (the "suffix" look-alike origin). */
export async function startFakePsa(): Promise<{ server: Server; port: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 2000 + Math.floor(Math.random() * 4553);
    const server = createServer(route);
    const ok = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => resolve(true));
    });
    if (ok) return { server, port };
  }
  throw new Error("no free port for the fake PSA");
}
