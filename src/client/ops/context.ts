/**
 * What the parts of the live operations view share, made once by the page
 * (src/client/pages/ops.ts) and handed to each: the event's API base, the
 * figures last shown, and the two things every part may need done (show
 * figures, read the lists again). `control()` runs one of the page's
 * controls the same way everywhere; `confirmStep()` asks first for those
 * that cannot be undone.
 */
import type { OpsFigures } from "../../shared/ops";
import { say } from "../shell/page";
import { api, type ApiResponse, problemDetail } from "../shell/session";

export interface Live {
  eventId: string;
  /** `/api/events/<eventId>`: every call of the page is under it. */
  base: string;
  /** The figures last shown (null before the first): a control changes them at once, before the next frame. */
  latest: OpsFigures | null;
  show(figures: OpsFigures): void;
  /** Reads the audit and the blocks again (after every control, and every 10 s). */
  refreshLists(): void;
}

export const post = <T>(live: Live, path: string, body: unknown): Promise<ApiResponse<T>> => api<T>(live.base + path, { method: "POST", body });

/** A form field as a number for the API; absent when empty. */
export const number = (v: string): number | undefined => (v === "" ? undefined : Number(v));

/** The button that submitted a form (every form here has one): disabled while its control runs. */
export const submitter = (e: SubmitEvent): HTMLButtonElement | null => (e.submitter instanceof HTMLButtonElement ? e.submitter : null);

/** Runs a control: the answer, or the problem's detail, in its status line; then the lists again. */
export async function control<T>(
  live: Live,
  out: HTMLElement,
  button: HTMLButtonElement | null,
  call: () => Promise<ApiResponse<T>>,
  done: (data: T) => string,
): Promise<T | null> {
  if (button) button.disabled = true;
  say(out, "Working…", "notice");
  try {
    const res = await call();
    if (!res.ok) {
      const detail = problemDetail(res.data) || `refused (${res.status})`;
      say(out, res.status === 503 ? `The room is busy (mid-deploy?): ${detail} Try again in a moment.` : detail, "error");
      return null;
    }
    say(out, done(res.data), "notice");
    return res.data;
  } catch {
    say(out, "The request did not reach the server. Check the connection and try again.", "error");
    return null;
  } finally {
    if (button) button.disabled = false;
    live.refreshLists();
  }
}

/**
 * A control that asks first, in a confirm box (`box`, hidden until asked):
 * the function returned shows the box with focus on its yes button; no
 * hides it and gives focus back to `back`; yes hides it and runs `go`.
 */
export function confirmStep(box: HTMLElement, yes: HTMLButtonElement, no: HTMLElement, back: HTMLElement, go: () => void): () => void {
  no.addEventListener("click", () => {
    box.hidden = true;
    back.focus();
  });
  yes.addEventListener("click", () => {
    box.hidden = true;
    go();
  });
  return () => {
    box.hidden = false;
    yes.focus();
  };
}
