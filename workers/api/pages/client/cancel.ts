/**
 * The dashboard's cancellation panel (/assets/cancel.js): cancelling an
 * event takes a reason and the event's name typed out (the confirm button
 * stays disabled until it matches), then shows the job's progress from
 * GET /cancellation every 2 s until it is done. An event cancelled before
 * (or elsewhere) shows its progress at once.
 *
 * A 404 from the cancellation routes means "not cancelled" for the read, and
 * for the POST on a server without them, that cancelling is not available;
 * the rest of the dashboard works either way.
 */
export const CANCEL_JS = String.raw`
(() => {
  const T = window.Tickets;
  const D = window.Dashboard;
  const POLL_MS = 2000;
  const start = document.getElementById("cancel-start");
  const open = document.getElementById("cancel-open");
  const form = document.getElementById("cancel-form");
  const reason = document.getElementById("cancel-reason");
  const confirmName = document.getElementById("cancel-confirm");
  const submit = document.getElementById("cancel-submit");
  const progress = document.getElementById("cancel-progress");
  const state = document.getElementById("cancel-state");
  const meter = document.getElementById("cancel-meter");
  const message = document.getElementById("cancel-message");
  let name = "";
  let timer = null;
  let running = false; // seen cancelling: its end is news for the other panels

  function showForm(shown) {
    form.hidden = !shown;
    open.setAttribute("aria-expanded", String(shown));
    if (shown) reason.focus(); else open.focus();
  }
  function showProgress(c) {
    start.hidden = true;
    form.hidden = true;
    progress.hidden = false;
    const settled = c.refunded + c.failed;
    meter.max = Math.max(1, c.bookings);
    meter.value = c.status === "done" ? meter.max : Math.min(settled, c.bookings);
    const counts = c.refunded + " of " + c.bookings + " bookings refunded" + (c.failed ? ", " + c.failed + " failed: the provider refused them (see the bookings)" : "");
    state.textContent = c.status === "done" ? "The event is cancelled: " + counts + "." : "Cancelling: " + counts + " so far…";
  }
  async function poll() {
    clearTimeout(timer);
    const res = await T.api("/api/events/" + D.eventId + "/cancellation");
    if (res.status === 404) { start.hidden = false; progress.hidden = true; return; }
    if (!res.ok) { T.say(message, res.data.detail || "Could not read the cancellation's progress; trying again.", "error"); timer = setTimeout(poll, POLL_MS); return; }
    showProgress(res.data);
    if (res.data.status !== "done") { running = true; timer = setTimeout(poll, POLL_MS); return; }
    if (running) { running = false; D.changed("cancel"); }
  }

  open.addEventListener("click", () => showForm(true));
  document.getElementById("cancel-back").addEventListener("click", () => { form.reset(); submit.disabled = true; showForm(false); });
  confirmName.addEventListener("input", () => { submit.disabled = confirmName.value.trim() !== name; });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (confirmName.value.trim() !== name) { T.say(message, "Type the event's name exactly to confirm.", "error"); return; }
    submit.disabled = true;
    const res = await T.api("/api/events/" + D.eventId + "/cancel", { method: "POST", body: { reason: reason.value.trim() } });
    if (res.status === 404) { submit.disabled = false; T.say(message, "Cancelling events is not available on this server yet. Nothing was changed.", "error"); return; }
    if (!res.ok) { submit.disabled = false; T.say(message, res.data.detail || "The event could not be cancelled.", "error"); return; }
    T.say(message, "The event is cancelled; every booking is being refunded.", "notice");
    document.getElementById("event-name").textContent = name + " (cancelled)";
    showProgress(res.data);
    D.changed("cancel");
    running = res.data.status !== "done";
    if (running) timer = setTimeout(poll, POLL_MS);
  });
  document.addEventListener("dashboard-ready", (e) => {
    name = e.detail.name.trim();
    document.getElementById("cancel-name").textContent = name;
    running = false;
    poll();
  });
})();
`;
