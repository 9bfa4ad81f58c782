/**
 * "Your orders" under the tickets: what the fan paid and got back, per
 * booking. Online only (nothing of it is needed at the door), so it stays
 * hidden when the API cannot be reached.
 */
import type { BookingView } from "../../shared/booking";
import { formatEventTime } from "../../shared/language";
import { TICKETS_COPY } from "../../shared/page-copy/tickets";
import { pageLanguage } from "../shell/language";
import { money, byId } from "../shell/page";
import { api, claims } from "../shell/session";
import type { ApiResponse } from "../shell/session";

/** GET /api/me/bookings. */
interface MyBookings {
  bookings: BookingView[];
}

export async function showOrders(): Promise<void> {
  const panel = byId("orders-panel");
  const out = byId("orders");
  out.replaceChildren();
  panel.hidden = true;
  if (!claims()) return;
  let res: ApiResponse<MyBookings>;
  try {
    res = await api<MyBookings>("/api/me/bookings");
  } catch {
    return;
  }
  if (!res.ok || !res.data.bookings.length) return;
  for (const b of res.data.bookings) {
    const li = document.createElement("li");
    li.id = `order-${b.id}`;
    li.textContent = TICKETS_COPY[pageLanguage()].order({
      event: b.event.name,
      date: formatEventTime(b.event.startsAt, b.event.timeZone, pageLanguage()),
      count: b.tickets.length,
      amount: money(b.amountCents, b.currency),
      status: b.status,
      refunded: b.refundedCents > 0 ? money(b.refundedCents, b.currency) : null,
    });
    out.append(li);
  }
  panel.hidden = false;
}
