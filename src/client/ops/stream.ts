/**
 * The live view's access and figures. `GET /ops` once (which also tells
 * whether this user may see them: 401, 403 and 404 show a message and no
 * figures), then the stream `GET /ops/stream`, read with fetch() because it
 * needs the Authorization header (EventSource cannot send one), parsed by
 * `sseFrames`. The stream ends every ten minutes with a `retry:` hint, and
 * may break: the page reconnects (the hint, else 1 s doubling up to 15 s),
 * and a watchdog drops a stream that sends nothing for 10 s. The status
 * line says "Live" while frames are less than 3.5 s old, else
 * "Reconnecting…".
 */
import type { OpsFigures } from "../../shared/ops";
import { byId, say } from "../shell/page";
import { api, claims, problemDetail, token } from "../shell/session";
import type { Live } from "./context";
import { clock } from "./dom";
import { sseFrames } from "./view";

const STALE_MS = 3500;
const WATCHDOG_MS = 10000;
const AUDIT_EVERY_MS = 10000;
const MAX_DELAY_MS = 15000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Says why there are no figures; null when the answer is fine. */
function refusal(res: { status: number }): string | null {
  if (res.status === 401) return "Your sign-in has ended. Sign in again as an organizer (top right) to see the live view.";
  if (res.status === 403) return "Not allowed: only the organizers of this event's organization can see its live operations view.";
  if (res.status === 404) return "No event of your organization has this address.";
  return null;
}

/** Sets up the status line; returns the start, to run once and again after every sign-in change. */
export function connect(live: Live): () => Promise<void> {
  const message = byId("message");
  const ops = byId("ops");
  let generation = 0; // bumped to stop the current stream (sign-out, no access)
  let lastFrameAt = 0;
  let connection = "";
  let auditTimer: ReturnType<typeof setInterval> | undefined;

  function stop(): void {
    generation += 1;
    clearInterval(auditTimer);
    auditTimer = undefined;
  }

  function refuse(text: string): void {
    stop();
    ops.hidden = true;
    say(message, text, "error");
  }

  async function start(): Promise<void> {
    stop();
    const gen = generation;
    ops.hidden = true;
    if (!claims()) {
      say(message, "Sign in as an organizer (top right) to see this event's live operations view.", "notice");
      return;
    }
    say(message, "Loading the live view…", "notice");
    let first;
    try {
      first = await api<OpsFigures>(`${live.base}/ops`);
    } catch {
      if (gen !== generation) return;
      say(message, "The server could not be reached; trying again in a few seconds…", "error");
      setTimeout(() => {
        if (gen === generation) void start();
      }, 3000);
      return;
    }
    if (gen !== generation) return;
    const refused = refusal(first);
    if (refused) {
      refuse(refused);
      return;
    }
    if (!first.ok) {
      say(message, problemDetail(first.data) || `The live view could not be loaded (${first.status}). Reload to try again.`, "error");
      return;
    }
    say(message, "");
    ops.hidden = false;
    byId<HTMLAnchorElement>("dashboard-link").href = `/organizer/events/${live.eventId}`;
    live.show(first.data);
    lastFrameAt = Date.now();
    live.refreshLists();
    auditTimer = setInterval(() => live.refreshLists(), AUDIT_EVERY_MS);
    void stream(gen);
  }

  async function stream(gen: number): Promise<void> {
    let delay = 1000;
    while (gen === generation) {
      const controller = new AbortController();
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      const arm = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => controller.abort(), WATCHDOG_MS);
      };
      let hint: number | null = null;
      try {
        arm();
        const res = await fetch(`${live.base}/ops/stream`, {
          headers: { authorization: `Bearer ${token()}`, accept: "text/event-stream" },
          cache: "no-store",
          signal: controller.signal,
        });
        const refused = refusal(res);
        if (refused) {
          if (gen === generation) refuse(refused);
          return;
        }
        if (!res.ok || !res.body) throw new Error(`the stream answered ${res.status}`);
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done || gen !== generation) break;
          arm();
          buffer += decoder.decode(value, { stream: true });
          const parsed = sseFrames(buffer);
          buffer = parsed.rest;
          for (const frame of parsed.frames) {
            if (frame.retry !== null) hint = frame.retry;
            if (frame.event !== "figures" || !frame.data) continue;
            live.show(JSON.parse(frame.data) as OpsFigures);
            lastFrameAt = Date.now();
            delay = 1000;
          }
        }
      } catch {
        // Broken, stalled (the watchdog) or refused: try again below.
      } finally {
        clearTimeout(watchdog);
        controller.abort();
      }
      if (gen !== generation) return;
      await sleep(hint ?? delay);
      if (hint === null) delay = Math.min(MAX_DELAY_MS, delay * 2);
    }
  }

  /** The status line: live while frames are fresh; only the word is announced, and only when it changes. */
  function tickStatus(): void {
    if (ops.hidden) return;
    const fresh = lastFrameAt > 0 && Date.now() - lastFrameAt < STALE_MS;
    const state = fresh ? "Live" : "Reconnecting…";
    if (state !== connection) {
      connection = state;
      byId("conn-state").textContent = state;
      byId("conn").className = `ops-conn ${fresh ? "is-live" : "is-reconnecting"}`;
    }
    byId("conn-last").textContent = lastFrameAt ? `last figures at ${clock(lastFrameAt)}${fresh ? "" : ` (${Math.round((Date.now() - lastFrameAt) / 1000)} s ago)`}` : "";
  }
  setInterval(tickStatus, 500);

  return start;
}
