/**
 * The dashboard's bookings panel: the event's bookings, newest first, a
 * page at a time, each with its tickets (refunded ones marked) and a refund
 * in two steps: choose the tickets (all live ones at first), the reason and
 * whether the seats go back on sale, then confirm what will be refunded.
 * Only a confirmed booking with live tickets offers a refund (the API
 * refuses the others). The list is read again when the event is cancelled.
 */
import type { BookedTicket } from "../../shared/booking";
import type { OrgBooking, OrgBookingsResponse, RefundResponse } from "../../shared/organizer";
import { byId, money, say } from "../shell/page";
import { api, problemDetail } from "../shell/session";
import { type Dashboard, onChanged, onReady } from "./context";

const seatName = (t: BookedTicket) => t.section + (t.row ? `, row ${t.row}, seat ${t.seat}` : ", general admission");

function node<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function button(label: string, className: string, onClick: () => void): HTMLButtonElement {
  const b = node("button", label, className);
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

export function startRefunds(dashboard: Dashboard): void {
  const list = byId("bookings");
  const more = byId("more-bookings");
  const filter = byId<HTMLSelectElement>("booking-status");
  const message = byId("bookings-message");
  let cursor: string | null = null;
  let listing = 0; // a newer listing (another filter, a reload) makes the answers of older ones stale

  async function load(reset: boolean): Promise<void> {
    if (reset) {
      list.replaceChildren();
      cursor = null;
      listing++;
    }
    const mine = listing;
    const q = new URLSearchParams({ limit: "20" });
    if (cursor) q.set("cursor", cursor);
    if (filter.value) q.set("status", filter.value);
    const res = await api<OrgBookingsResponse>(`/api/events/${dashboard.eventId}/bookings?${q}`);
    if (mine !== listing) return;
    if (!res.ok) {
      say(message, problemDetail(res.data), "error");
      return;
    }
    for (const b of res.data.bookings) list.append(render(b));
    cursor = res.data.nextCursor;
    more.hidden = !cursor;
    if (reset && res.data.bookings.length === 0) say(message, filter.value ? `No ${filter.value} bookings.` : "No bookings yet.", "notice");
  }

  function render(b: OrgBooking): HTMLLIElement {
    const li = node("li");
    li.id = `booking-${b.id}`;
    const heading = node("h3", `${b.userId} · ${b.status}`);
    heading.id = `booking-${b.id}-heading`;
    li.setAttribute("aria-labelledby", heading.id);
    const meta = node(
      "p",
      `${new Date(b.createdAt).toLocaleString()} · ${money(b.amountCents, b.currency)}` +
        (b.refundedCents > 0 ? ` · ${money(b.refundedCents, b.currency)} refunded` : "") +
        ` · ${b.id}`,
      "meta",
    );
    const seats = node("ul", undefined, "seats");
    for (const t of b.tickets) seats.append(node("li", `${seatName(t)} · ${money(t.priceCents, b.currency)}${t.refunded ? " · refunded" : ""}`));
    li.append(heading, meta, seats);
    const live = b.tickets.filter((t) => !t.refunded);
    if (b.status === "confirmed" && live.length > 0) {
      const open = button("Refund…", "secondary", () => {
        open.hidden = true;
        const form = refundForm(b, live, () => {
          form.remove();
          open.hidden = false;
          open.focus();
        });
        li.append(form);
        form.querySelector("input")?.focus();
      });
      open.setAttribute("aria-label", `Refund booking of ${b.userId}`);
      li.append(open);
    }
    return li;
  }

  /** Step one: which tickets, why, restock or not. Step two: what will happen, confirmed by a second button. */
  function refundForm(b: OrgBooking, live: BookedTicket[], close: () => void): HTMLFormElement {
    const form = node("form", undefined, "refund");
    form.setAttribute("aria-label", `Refund booking of ${b.userId}`);
    const tickets = node("fieldset");
    tickets.append(node("legend", "Tickets to refund"));
    const picks = live.map((t) => {
      const label = node("label", undefined, "check");
      const box = node("input");
      box.type = "checkbox";
      box.checked = true;
      box.value = t.id;
      box.name = "ticket";
      label.append(box, ` ${seatName(t)} · ${money(t.priceCents, b.currency)}`);
      tickets.append(label);
      return { ticket: t, box };
    });
    const reason = node("label", "Reason (optional) ");
    const reasonInput = node("input");
    reasonInput.name = "reason";
    reasonInput.maxLength = 500;
    reason.append(reasonInput);
    const restock = node("label", undefined, "check");
    const restockBox = node("input");
    restockBox.type = "checkbox";
    restockBox.checked = true;
    restockBox.name = "restock";
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
      const chosen = picks.filter((p) => p.box.checked).map((p) => p.ticket);
      if (chosen.length === 0) {
        say(message, "Choose at least one ticket to refund.", "error");
        return;
      }
      const whole = chosen.length === b.tickets.length;
      const cents = chosen.reduce((n, t) => n + t.priceCents, 0);
      const summary = node(
        "p",
        `Refund ${chosen.length} ticket${chosen.length === 1 ? "" : "s"} (about ${money(cents, b.currency)}) to ${b.userId}? ` +
          (restockBox.checked ? "The seats go back on sale." : "The seats stay off sale.") +
          " The fan's tickets stop admitting at once.",
      );
      const go = button("Confirm refund", "danger", () =>
        void refund(b, whole ? undefined : chosen.map((t) => t.id), reasonInput.value.trim(), restockBox.checked, go),
      );
      const back = button("Back", "secondary", () => {
        confirmStep.hidden = true;
        actions.hidden = false;
        review.focus();
      });
      confirmStep.replaceChildren(summary, go, back);
      actions.hidden = true;
      confirmStep.hidden = false;
      go.focus();
    });
    return form;
  }

  async function refund(b: OrgBooking, ticketIds: string[] | undefined, reason: string, restock: boolean, go: HTMLButtonElement): Promise<void> {
    go.disabled = true;
    const body: { restock: boolean; ticketIds?: string[]; reason?: string } = { restock };
    if (ticketIds) body.ticketIds = ticketIds;
    if (reason) body.reason = reason;
    const res = await api<RefundResponse>(`/api/organizer/bookings/${b.id}/refund`, { method: "POST", body });
    go.disabled = false;
    if (!res.ok) {
      say(message, problemDetail(res.data) || "The refund failed.", "error");
      return;
    }
    const latest = res.data.refunds[0];
    const state = latest && latest.status === "failed" ? ` The payment provider refused it: ${latest.failure || "try again later"}.` : "";
    say(
      message,
      `Refunded booking of ${b.userId}: ${money(res.data.refundedCents, res.data.currency)} returned so far, booking ${res.data.status}.${state}`,
      state ? "error" : "notice",
    );
    // The answer says which tickets every refund voided: the booking is redrawn from it, without another read.
    const voided = new Set(res.data.refunds.flatMap((r) => r.ticketIds));
    const updated: OrgBooking = {
      ...b,
      status: res.data.status,
      refundedCents: res.data.refundedCents,
      tickets: b.tickets.map((t) => ({ ...t, refunded: t.refunded || voided.has(t.id) })),
    };
    document.getElementById(`booking-${b.id}`)?.replaceWith(render(updated));
    dashboard.changed("refunds");
  }

  more.addEventListener("click", () => void load(false));
  filter.addEventListener("change", () => {
    say(message, "");
    void load(true);
  });
  onReady(() => {
    say(message, "");
    void load(true);
  });
  onChanged((e) => {
    if (e.source === "cancel") void load(true);
  });
}
