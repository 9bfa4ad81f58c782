/**
 * The waiting room's controls: its settings (filled from the figures until
 * the organizer edits them, and sent as only what changed, so the audit
 * shows just that), pause or resume admission, close the queue (after a
 * confirmation: fans in line are told it is closed) and reopen it. The
 * form's reason goes with the next change only.
 */
import type { QueueSettings } from "../../shared/queue";
import { formFields } from "../organizer/shared";
import { byId, say } from "../shell/page";
import { confirmStep, control, type Live, number, post, submitter } from "./context";

const SETTINGS = ["batchSize", "tickSeconds", "maxActive", "sessionMinutes"] as const;
type Setting = (typeof SETTINGS)[number];
type QueueChange = Partial<Pick<QueueSettings, Setting | "paused" | "closed">>;

export interface QueueControls {
  /** The settings of the latest figures: in the form (unless edited) and in the buttons. */
  show(settings: QueueSettings): void;
}

export function startQueueControls(live: Live): QueueControls {
  const queueForm = byId<HTMLFormElement>("queue-form");
  const result = byId("queue-result");
  const pause = byId<HTMLButtonElement>("queue-pause");
  const close = byId<HTMLButtonElement>("queue-close");
  const reopen = byId<HTMLButtonElement>("queue-reopen");
  const closeConfirm = byId("close-confirm");
  const closeYes = byId<HTMLButtonElement>("close-yes");
  let edited = false;

  queueForm.addEventListener("input", () => {
    edited = true;
  });

  function fill(s: QueueSettings): void {
    if (edited) return;
    for (const name of SETTINGS) {
      const input = queueForm.elements.namedItem(name);
      const value = s[name];
      if (input instanceof HTMLInputElement && document.activeElement !== input && value !== undefined) input.value = String(value);
    }
  }

  /** A waiting room change with the form's reason, which is cleared once used (the next change has its own). */
  async function change(settings: QueueChange, button: HTMLButtonElement | null, done: (d: { queue: QueueSettings }) => string): Promise<{ queue: QueueSettings } | null> {
    const reasonInput = queueForm.elements.namedItem("reason");
    const input = reasonInput instanceof HTMLInputElement ? reasonInput : null;
    const reason = input?.value.trim() ?? "";
    const data = await control(live, result, button, () => post<{ queue: QueueSettings }>(live, "/ops/queue", reason ? { ...settings, reason } : settings), done);
    if (data && input) input.value = "";
    return data;
  }

  queueForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = formFields(queueForm);
    // Only what the organizer changed, so the audit shows just that.
    const now: Partial<QueueSettings> = live.latest?.queue ? live.latest.queue.settings : {};
    const settings: QueueChange = {};
    for (const name of SETTINGS) if (f(name) !== "" && number(f(name)) !== now[name]) settings[name] = number(f(name));
    if (Object.keys(settings).length === 0) {
      say(result, "These are the settings already: change one first.", "notice");
      return;
    }
    void (async () => {
      const data = await change(
        settings,
        submitter(e),
        (d) => `Waiting room now admits ${d.queue.batchSize} fans every ${d.queue.tickSeconds} s${d.queue.maxActive ? `, at most ${d.queue.maxActive} shopping at once` : ""}.`,
      );
      if (data) edited = false;
    })();
  });
  pause.addEventListener("click", () => {
    const paused = !live.latest?.queue?.settings.paused;
    void change({ paused }, pause, () => (paused ? "Admission paused: fans keep their places." : "Admission resumed."));
  });
  const askClose = confirmStep(closeConfirm, closeYes, byId("close-no"), close, () => {
    void change({ closed: true }, closeYes, () => "The waiting room is closed: no one joins or is admitted.");
  });
  close.addEventListener("click", askClose);
  reopen.addEventListener("click", () => void change({ closed: false }, reopen, () => "The waiting room is open again."));

  return {
    show(settings) {
      fill(settings);
      pause.textContent = settings.paused ? "Resume admission" : "Pause admission";
      close.hidden = !!settings.closed;
      reopen.hidden = !settings.closed;
    },
  };
}
