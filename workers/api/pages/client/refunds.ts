/**
 * The dashboard's bookings panel (/assets/refunds.js): the event's bookings,
 * newest first, a page at a time, each with its tickets (refunded ones
 * marked) and a refund in two steps: choose the tickets (all live ones at
 * first), the reason and whether the seats go back on sale, then confirm
 * what will be refunded. Only a confirmed booking with live tickets offers
 * a refund (the API refuses the others).
 */
export const REFUNDS_JS = String.raw`
(() => {
  const T = window.Tickets;
  const D = window.Dashboard;
  const list = document.getElementById("bookings");
  const more = document.getElementById("more-bookings");
  const filter = document.getElementById("booking-status");
  const message = document.getElementById("bookings-message");
  let cursor = null;
  let listing = 0; // a newer listing (another filter, a reload) makes the answers of older ones stale

  const seatName = (t) => t.section + (t.row ? ", row " + t.row + ", seat " + t.seat : ", general admission");
  function node(tag, text, className) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (className) e.className = className;
    return e;
  }
  function button(label, className, onClick) {
    const b = node("button", label, className);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  async function load(reset) {
    if (reset) { list.replaceChildren(); cursor = null; listing++; }
    const mine = listing;
    const q = new URLSearchParams({ limit: "20" });
    if (cursor) q.set("cursor", cursor);
    if (filter.value) q.set("status", filter.value);
    const res = await T.api("/api/events/" + D.eventId + "/bookings?" + q);
    if (mine !== listing) return;
    if (!res.ok) { T.say(message, res.data.detail, "error"); return; }
    for (const b of res.data.bookings) list.append(render(b));
    cursor = res.data.nextCursor;
    more.hidden = !cursor;
    if (reset && res.data.bookings.length === 0) T.say(message, filter.value ? "No " + filter.value + " bookings." : "No bookings yet.", "notice");
  }

  function render(b) {
    const li = node("li");
    li.id = "booking-" + b.id;
    const heading = node("h3", b.userId + " · " + b.status);
    heading.id = "booking-" + b.id + "-heading";
    li.setAttribute("aria-labelledby", heading.id);
    const meta = node("p", new Date(b.createdAt).toLocaleString() + " · " + T.money(b.amountCents, b.currency) +
      (b.refundedCents > 0 ? " · " + T.money(b.refundedCents, b.currency) + " refunded" : "") + " · " + b.id, "meta");
    const seats = node("ul", undefined, "seats");
    for (const t of b.tickets) seats.append(node("li", seatName(t) + " · " + T.money(t.priceCents, b.currency) + (t.refunded ? " · refunded" : "")));
    li.append(heading, meta, seats);
    const live = b.tickets.filter((t) => !t.refunded);
    if (b.status === "confirmed" && live.length > 0) {
      const open = button("Refund…", "secondary", () => {
        open.hidden = true;
        const form = refundForm(b, live, () => { form.remove(); open.hidden = false; open.focus(); });
        li.append(form);
        form.querySelector("input").focus();
      });
      open.setAttribute("aria-label", "Refund booking of " + b.userId);
      li.append(open);
    }
    return li;
  }

  /** Step one: which tickets, why, restock or not. Step two: what will happen, confirmed by a second button. */
  function refundForm(b, live, close) {
    const form = node("form", undefined, "refund");
    form.setAttribute("aria-label", "Refund booking of " + b.userId);
    const tickets = node("fieldset");
    tickets.append(node("legend", "Tickets to refund"));
    for (const t of live) {
      const label = node("label", undefined, "check");
      const box = node("input");
      box.type = "checkbox"; box.checked = true; box.value = t.id; box.name = "ticket";
      label.append(box, " " + seatName(t) + " · " + T.money(t.priceCents, b.currency));
      tickets.append(label);
    }
    const reason = node("label", "Reason (optional) ");
    const reasonInput = node("input");
    reasonInput.name = "reason"; reasonInput.maxLength = 500;
    reason.append(reasonInput);
    const restock = node("label", undefined, "check");
    const restockBox = node("input");
    restockBox.type = "checkbox"; restockBox.checked = true; restockBox.name = "restock";
    restock.append(restockBox, " Put the seats back on sale (otherwise they stay off sale in a block)");
    const review = node("button", "Review refund");
    review.type = "submit";
    const actions = node("div", undefined, "actions");
    actions.append(review, button("Close", "secondary", close));
    const confirmStep = node("div", undefined, "confirm");
    confirmStep.hidden = true;
    form.append(tickets, reason, restock, actions, confirmStep);

    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const chosen = live.filter((t) => form.querySelector('input[name="ticket"][value="' + CSS.escape(t.id) + '"]').checked);
      if (chosen.length === 0) { T.say(message, "Choose at least one ticket to refund.", "error"); return; }
      const whole = chosen.length === b.tickets.length;
      const cents = chosen.reduce((n, t) => n + t.priceCents, 0);
      const summary = node("p", "Refund " + chosen.length + " ticket" + (chosen.length === 1 ? "" : "s") + " (about " + T.money(cents, b.currency) + ") to " + b.userId + "? " +
        (restockBox.checked ? "The seats go back on sale." : "The seats stay off sale.") + " The fan's tickets stop admitting at once.");
      const go = button("Confirm refund", "danger", () => refund(b, whole ? undefined : chosen.map((t) => t.id), reasonInput.value.trim(), restockBox.checked, go));
      const back = button("Back", "secondary", () => { confirmStep.hidden = true; actions.hidden = false; review.focus(); });
      confirmStep.replaceChildren(summary, go, back);
      actions.hidden = true;
      confirmStep.hidden = false;
      go.focus();
    });
    return form;
  }

  async function refund(b, ticketIds, reason, restock, go) {
    go.disabled = true;
    const body = { restock };
    if (ticketIds) body.ticketIds = ticketIds;
    if (reason) body.reason = reason;
    const res = await T.api("/api/organizer/bookings/" + b.id + "/refund", { method: "POST", body });
    go.disabled = false;
    if (!res.ok) { T.say(message, res.data.detail || "The refund failed.", "error"); return; }
    const latest = res.data.refunds[0];
    const state = latest && latest.status === "failed" ? " The payment provider refused it: " + (latest.failure || "try again later") + "." : "";
    T.say(message, "Refunded booking of " + b.userId + ": " + T.money(res.data.refundedCents, res.data.currency) + " returned so far, booking " + res.data.status + "." + state, state ? "error" : "notice");
    // The answer says which tickets every refund voided: the booking is redrawn from it, without another read.
    const voided = new Set(res.data.refunds.flatMap((r) => r.ticketIds));
    const updated = { ...b, status: res.data.status, refundedCents: res.data.refundedCents, tickets: b.tickets.map((t) => ({ ...t, refunded: t.refunded || voided.has(t.id) })) };
    const old = document.getElementById("booking-" + b.id);
    if (old) old.replaceWith(render(updated));
    D.changed("refunds");
  }

  more.addEventListener("click", () => load(false));
  filter.addEventListener("change", () => { T.say(message, ""); load(true); });
  document.addEventListener("dashboard-ready", () => { T.say(message, ""); load(true); });
  document.addEventListener("dashboard-changed", (e) => { if (e.detail.source === "cancel") load(true); });
})();
`;
