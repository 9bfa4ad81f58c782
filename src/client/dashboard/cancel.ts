/**
 * The dashboard's cancellation panel: cancelling an event takes a reason
 * and the event's name typed out (the confirm button stays disabled until
 * it matches), then shows the job's progress from GET /cancellation every
 * 2 s until it is done. An event cancelled before (or elsewhere) shows its
 * progress at once.
 *
 * A 404 from the cancellation routes means "not cancelled" for the read, and
 * for the POST on a server without them, that cancelling is not available;
 * the rest of the dashboard works either way.
 */
import type { CancellationView } from "../../shared/organizer";
import { byId, say } from "../shell/page";
import { api, problemDetail } from "../shell/session";
import { type Dashboard, onReady } from "./context";

const POLL_MS = 2000;

export function startCancel(dashboard: Dashboard): void {
  const { eventId } = dashboard;
  const start = byId("cancel-start");
  const open = byId("cancel-open");
  const form = byId<HTMLFormElement>("cancel-form");
  const reason = byId<HTMLInputElement>("cancel-reason");
  const confirmName = byId<HTMLInputElement>("cancel-confirm");
  const submit = byId<HTMLButtonElement>("cancel-submit");
  const progress = byId("cancel-progress");
  const state = byId("cancel-state");
  const meter = byId<HTMLProgressElement>("cancel-meter");
  const message = byId("cancel-message");
  let name = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false; // seen cancelling: its end is news for the other panels

  function showForm(shown: boolean): void {
    form.hidden = !shown;
    open.setAttribute("aria-expanded", String(shown));
    if (shown) reason.focus();
    else open.focus();
  }

  function showProgress(c: CancellationView): void {
    start.hidden = true;
    form.hidden = true;
    progress.hidden = false;
    const settled = c.refunded + c.failed;
    meter.max = Math.max(1, c.bookings);
    meter.value = c.status === "done" ? meter.max : Math.min(settled, c.bookings);
    const counts = `${c.refunded} of ${c.bookings} bookings refunded${c.failed ? `, ${c.failed} failed: the provider refused them (see the bookings)` : ""}`;
    state.textContent = c.status === "done" ? `The event is cancelled: ${counts}.` : `Cancelling: ${counts} so far…`;
  }

  const later = () => {
    timer = setTimeout(() => void poll(), POLL_MS);
  };

  async function poll(): Promise<void> {
    clearTimeout(timer);
    const res = await api<CancellationView>(`/api/events/${eventId}/cancellation`);
    if (res.status === 404) {
      start.hidden = false;
      progress.hidden = true;
      return;
    }
    if (!res.ok) {
      say(message, problemDetail(res.data) || "Could not read the cancellation's progress; trying again.", "error");
      later();
      return;
    }
    showProgress(res.data);
    if (res.data.status !== "done") {
      running = true;
      later();
      return;
    }
    if (running) {
      running = false;
      dashboard.changed("cancel");
    }
  }

  async function cancel(): Promise<void> {
    if (confirmName.value.trim() !== name) {
      say(message, "Type the event's name exactly to confirm.", "error");
      return;
    }
    submit.disabled = true;
    const res = await api<CancellationView>(`/api/events/${eventId}/cancel`, { method: "POST", body: { reason: reason.value.trim() } });
    if (res.status === 404) {
      submit.disabled = false;
      say(message, "Cancelling events is not available on this server yet. Nothing was changed.", "error");
      return;
    }
    if (!res.ok) {
      submit.disabled = false;
      say(message, problemDetail(res.data) || "The event could not be cancelled.", "error");
      return;
    }
    say(message, "The event is cancelled; every booking is being refunded.", "notice");
    byId("event-name").textContent = `${name} (cancelled)`;
    showProgress(res.data);
    dashboard.changed("cancel");
    running = res.data.status !== "done";
    if (running) later();
  }

  open.addEventListener("click", () => showForm(true));
  byId("cancel-back").addEventListener("click", () => {
    form.reset();
    submit.disabled = true;
    showForm(false);
  });
  confirmName.addEventListener("input", () => {
    submit.disabled = confirmName.value.trim() !== name;
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void cancel();
  });
  onReady((detail) => {
    name = detail.name.trim();
    byId("cancel-name").textContent = name;
    running = false;
    void poll();
  });
}
