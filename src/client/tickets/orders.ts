/**
 * "Your orders" under the tickets: what the fan paid and got back, per
 * booking. Online only (nothing of it is needed at the door), so it stays
 * hidden when the API cannot be reached.
 */
import type { BookingView } from "../../shared/booking";
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
    li.textContent =
      `${b.event.name} · ${new Date(b.event.startsAt).toLocaleDateString()} · ${b.tickets.length}${b.tickets.length === 1 ? " ticket" : " tickets"} · ` +
      `${money(b.amountCents, b.currency)} · ${b.status}${b.refundedCents > 0 ? ` · ${money(b.refundedCents, b.currency)} refunded` : ""}`;
    out.append(li);
  }
  panel.hidden = false;
}
