/// <reference lib="dom" />
// DOM types also under tsconfig.node.json, which checks this file through test/unit/demo-host.test.ts.
/**
 * The HOST side of the ConnectWise Hosted API postMessage protocol
 * (psa-and-vendor-apis.md §2.6), as the demo's ConnectWise-like screen plays
 * it with the pod: every message is a JSON string; the pod's
 * {"message":"ready"} is answered with {"MessageFrameID"}; then the screen
 * sends onLoad with data.screenObject and waits for the acknowledgement;
 * getMemberAuthentication (with our frameID) is answered with the member's
 * data; refreshScreen re-reads the screen; Save sends beforeSave and saves
 * only when the pod answers. Messages are accepted only from the pod's
 * window AND its exact origin (string equality, never a prefix test:
 * reliability-and-security.md §2.2), and posted only to that exact origin.
 */

export interface ScreenObject {
  screen: string;
  id: number;
  hostedAs: "pod" | "tab";
}

export interface HostOptions {
  frame: HTMLIFrameElement;
  podOrigin: string;
  member: Record<string, string>;
  screenObject: ScreenObject;
  onRefresh: () => void;
  log: (line: string) => void;
}

export interface HostProtocol {
  /** Sends an event and resolves with the pod's result ("success" | "failure"), or "timeout". */
  sendEvent(event: string, timeoutMs?: number): Promise<string>;
}

/** Parses a pod message: a JSON string holding an object; anything else is null. */
export function parsePodMessage(data: unknown): Record<string, unknown> | null {
  if (typeof data !== "string") return null;
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function connectPod(options: HostOptions): HostProtocol {
  const { frame, podOrigin, log } = options;
  let frameId: string | null = null;
  let frames = 0;
  let nextEventId = 1;
  const pending = new Map<number, (result: string) => void>();

  function post(message: Record<string, unknown>): void {
    frame.contentWindow?.postMessage(JSON.stringify(message), podOrigin);
  }

  function sendEvent(event: string, timeoutMs = 5_000): Promise<string> {
    if (frameId === null) return Promise.resolve("timeout");
    const id = nextEventId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve("timeout");
      }, timeoutMs);
      pending.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      post({ event, _id: id, data: { screenObject: options.screenObject } });
      log(`→ ${event} (_id ${id})`);
    });
  }

  function handle(m: Record<string, unknown>): void {
    if (m.message === "ready") {
      frameId = `trueup-pod-${++frames}`;
      post({ MessageFrameID: frameId });
      log(`← ready → MessageFrameID ${frameId}`);
      void sendEvent("onLoad").then((result) => {
        log(`← onLoad acknowledged: ${result}`);
        document.documentElement.dataset.onload = result;
      });
      return;
    }
    if (frameId === null || m.frameID !== frameId) return log(`ignored a message without our frameID: ${JSON.stringify(m).slice(0, 80)}`);
    if (typeof m.hosted_request === "string" && m.hosted_request.toLowerCase() === "getmemberauthentication") {
      post({ response: "getmemberauthentication", data: options.member });
      log(`← getMemberAuthentication → member ${options.member.memberid ?? "?"}`);
    } else if (m.hosted_request === "refreshScreen") {
      log("← refreshScreen");
      options.onRefresh();
    } else if (typeof m.event === "string" && typeof m._id === "number") {
      pending.get(m._id)?.(typeof m.result === "string" ? m.result : "failure");
      pending.delete(m._id);
    }
  }

  window.addEventListener("message", (event) => {
    if (event.source !== frame.contentWindow) return;
    if (event.origin !== podOrigin) return log(`ignored a message from ${event.origin} (not ${podOrigin})`);
    const message = parsePodMessage(event.data);
    if (message) handle(message);
    else log("ignored a message that is not a JSON string");
  });

  return { sendEvent };
}

/** The picker's label: "(cancelled)" once, even when the agreement's name already says so. */
export function pickerLabel(a: { name: string; cancelledFlag: boolean }): string {
  return a.cancelledFlag && !/\(cancelled\)\s*$/i.test(a.name) ? `${a.name} (cancelled)` : a.name;
}
