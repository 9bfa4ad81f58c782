/** Bookings' tickets as their owners and organizers see them (src/shared/booking.ts, BookedTicket): one read for a page of bookings. */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { BookedTicket } from "../../../src/shared/booking";
import { bookedTickets, tickets } from "../../../src/shared/db-schema";
import { ticketId } from "../../../src/shared/ids";
import type { Database } from "../env";

/** Each booking's tickets, refunded ones included (marked), in seat order. */
export async function ticketsOfBookings(db: Database, bookingIds: string[]): Promise<Map<string, BookedTicket[]>> {
  const out = new Map<string, BookedTicket[]>();
  if (bookingIds.length === 0) return out;
  const rows = await db
    .select({
      bookingId: bookedTickets.bookingId,
      ticket: tickets,
      priceCents: bookedTickets.priceCents,
      released: bookedTickets.released,
      transferred: sql<boolean>`(${bookedTickets.holderId} is not null or ${bookedTickets.holderEmail} is not null)`,
      codeVersion: bookedTickets.codeVersion,
    })
    .from(bookedTickets)
    .innerJoin(tickets, and(eq(tickets.eventId, bookedTickets.eventId), eq(tickets.seatIndex, bookedTickets.seatIndex)))
    .where(inArray(bookedTickets.bookingId, bookingIds))
    .orderBy(bookedTickets.seatIndex);
  for (const { bookingId, ticket, priceCents, released, transferred, codeVersion } of rows) {
    const list = out.get(bookingId) ?? [];
    list.push({ id: ticketId(ticket.eventId, ticket.seatIndex), section: ticket.section, row: ticket.row, seat: ticket.seat, priceCents, refunded: released, transferred, codeVersion });
    out.set(bookingId, list);
  }
  return out;
}
