/**
 * The ConnectWise host bridge (DOM side of ui/lib/host-protocol.ts). Messages
 * are accepted only from the parent window AND an exact allowed origin (the
 * first MessageFrameID pins which one); everything the pod sends goes to that
 * exact origin — before the handshake to each allowed origin in turn, which
 * the browser drops unless it is the parent's. Never "*".
 */
import {
  ACKNOWLEDGED_EVENTS,
  eventAck,
  frameVerdict,
  isAllowedOrigin,
  memberAuthRequest,
  parseHostMessage,
  pickMemberAuth,
  READY_MESSAGE,
  type FrameId,
  type FrameVerdict,
  type MemberAuthPayload,
} from "../lib/host-protocol.ts";

export interface HostBridge {
  verdict: FrameVerdict;
  /** Asks ConnectWise who the member is; rejects when the host does not answer. */
  memberAuth(): Promise<MemberAuthPayload>;
}

function readVerdict(allowed: readonly string[]): FrameVerdict {
  const ancestors = location.ancestorOrigins ? Array.from(location.ancestorOrigins) : null;
  let referrer: string | null = null;
  try {
    referrer = document.referrer ? new URL(document.referrer).origin : null;
  } catch {
    referrer = null;
  }
  return frameVerdict(window.parent === window, ancestors, referrer, allowed);
}

export function connectHost(allowed: readonly string[], timeoutMs = 10_000): HostBridge {
  const verdict = readVerdict(allowed);
  let pinned: string | null = null;
  let frameId: FrameId | null = null;
  let onFrame: Array<() => void> = [];
  let onAuth: ((auth: MemberAuthPayload | null) => void) | null = null;

  function post(message: string): void {
    for (const target of pinned ? [pinned] : allowed) window.parent.postMessage(message, target);
  }

  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || !isAllowedOrigin(event.origin, allowed)) return;
    if (pinned !== null && event.origin !== pinned) return;
    const message = parseHostMessage(event.data);
    if (!message) return;
    if (message.type === "frame") {
      pinned = event.origin;
      frameId = message.frameId;
      const waiting = onFrame;
      onFrame = [];
      for (const resolve of waiting) resolve();
    } else if (frameId === null) {
      return; // nothing counts before the handshake
    } else if (message.type === "member-auth") {
      onAuth?.(pickMemberAuth(message.data));
    } else if (message.type === "event" && ACKNOWLEDGED_EVENTS.includes(message.event)) {
      // beforeSave must be answered or ConnectWise will not save the screen.
      post(eventAck(message.event, message.id, frameId));
    }
  });

  if (verdict === "ok" || verdict === "unknown") post(READY_MESSAGE);

  function withTimeout<T>(start: (resolve: (v: T) => void) => void, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ConnectWise did not answer (${what})`)), timeoutMs);
      start((value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  }

  async function memberAuth(): Promise<MemberAuthPayload> {
    if (frameId === null) await withTimeout<void>((resolve) => onFrame.push(resolve), "handshake");
    const auth = await withTimeout<MemberAuthPayload | null>((resolve) => {
      onAuth = resolve;
      post(memberAuthRequest(frameId as FrameId));
    }, "member authentication");
    onAuth = null;
    if (!auth) throw new Error("ConnectWise sent incomplete member authentication");
    return auth;
  }

  return { verdict, memberAuth };
}
