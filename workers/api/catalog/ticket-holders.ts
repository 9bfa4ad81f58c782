/**
 * Who holds which ticket now, from Postgres (the record of ownership): the
 * buyer until a transfer, then the recipient (by user id, or by email until
 * they sign in). One read each for the door, transfers and `/me/tickets`.
 */
import { and, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { bookedTickets, bookings, events, tickets, venues } from "../../../src/shared/db-schema";
import { ticketId } from "../../../src/shared/ids";
import type { Database } from "../env";

export interface HeldTicket {
  ticketId: string;
  eventId: string;
  seatIndex: number;
  bookingId: string;
  buyerId: string;
  holderId: string | null;
  holderEmail: string | null;
  codeVersion: number;
  /** Refunded, or its booking voided or not yet paid: its codes open nothing. */
  void: boolean;
  /** When the current code version was issued (the sale, or the last transfer), ms. */
  issuedAt: number;
  section: string;
  row: string | null;
  seat: string | null;
  priceCents: number;
}

const columns = {
  eventId: bookedTickets.eventId,
  seatIndex: bookedTickets.seatIndex,
  bookingId: bookedTickets.bookingId,
  buyerId: bookings.userId,
  holderId: bookedTickets.holderId,
  holderEmail: bookedTickets.holderEmail,
  codeVersion: bookedTickets.codeVersion,
  released: bookedTickets.released,
  status: bookings.status,
  section: tickets.section,
  row: tickets.row,
  seat: tickets.seat,
  priceCents: bookedTickets.priceCents,
  issuedAt: sql<number>`(extract(epoch from coalesce(
    (select max(tt.created_at) from ticket_transfers tt
      where tt.event_id = ${bookedTickets.eventId} and tt.seat_index = ${bookedTickets.seatIndex} and tt.booking_id = ${bookedTickets.bookingId}),
    ${bookings.createdAt})) * 1000)::float8`.mapWith(Number),
};

/** A row as read: the ticket's fields, with the booking's status and the release flag that make it void. */
type Row = Omit<HeldTicket, "ticketId" | "void"> & { released: boolean; status: string };

const held = (r: Row): HeldTicket => ({
  ticketId: ticketId(r.eventId, r.seatIndex),
  eventId: r.eventId,
  seatIndex: r.seatIndex,
  bookingId: r.bookingId,
  buyerId: r.buyerId,
  holderId: r.holderId,
  holderEmail: r.holderEmail,
  codeVersion: r.codeVersion,
  void: r.released || r.status !== "confirmed",
  section: r.section,
  row: r.row,
  seat: r.seat,
  priceCents: r.priceCents,
  issuedAt: r.issuedAt,
});

/** The condition "this user holds the ticket now". */
export function heldBy(user: { id: string; email: string | null }): SQL {
  const buyerStill = and(isNull(bookedTickets.holderId), isNull(bookedTickets.holderEmail), eq(bookings.userId, user.id));
  const byEmail = user.email ? and(isNull(bookedTickets.holderId), eq(bookedTickets.holderEmail, user.email.toLowerCase())) : undefined;
  return or(eq(bookedTickets.holderId, user.id), buyerStill, byEmail) as SQL;
}

/** Whether the user holds this ticket now. */
export function holds(ticket: HeldTicket, user: { id: string; email: string | null }): boolean {
  if (ticket.holderId !== null) return ticket.holderId === user.id;
  if (ticket.holderEmail !== null) return !!user.email && ticket.holderEmail === user.email.toLowerCase();
  return ticket.buyerId === user.id;
}

/** Tickets by booking and seat (a booking's tickets, or those named by codes), optionally locked for update. */
export async function heldTickets(db: Database, where: { eventId: string; seats: number[]; bookingId?: string }, lock = false): Promise<HeldTicket[]> {
  if (where.seats.length === 0) return [];
  const query = db
    .select(columns)
    .from(bookedTickets)
    .innerJoin(bookings, eq(bookings.id, bookedTickets.bookingId))
    .innerJoin(tickets, and(eq(tickets.eventId, bookedTickets.eventId), eq(tickets.seatIndex, bookedTickets.seatIndex)))
    .where(
      and(
        eq(bookedTickets.eventId, where.eventId),
        inArray(bookedTickets.seatIndex, where.seats),
        where.bookingId ? eq(bookedTickets.bookingId, where.bookingId) : undefined,
      ),
    )
    .orderBy(bookedTickets.seatIndex);
  const rows = lock ? await query.for("update", { of: bookedTickets }) : await query;
  return rows.map(held);
}

/** Every ticket the user holds now, bought or received, live or void, newest events last. */
export async function ticketsHeldBy(db: Database, user: { id: string; email: string | null }, limit: number) {
  const rows = await db
    .select({ ...columns, event: { name: events.name, startsAt: events.startsAt, venueName: events.venueName, city: events.city, timeZone: venues.timezone } })
    .from(bookedTickets)
    .innerJoin(bookings, eq(bookings.id, bookedTickets.bookingId))
    .innerJoin(tickets, and(eq(tickets.eventId, bookedTickets.eventId), eq(tickets.seatIndex, bookedTickets.seatIndex)))
    .innerJoin(events, eq(events.id, bookedTickets.eventId))
    .innerJoin(venues, eq(venues.id, events.venueId))
    .where(and(heldBy(user), sql`${bookings.status} in ('confirmed', 'refunded')`))
    .orderBy(events.startsAt, bookedTickets.eventId, bookedTickets.seatIndex)
    .limit(limit);
  return rows.map((r) => ({ ...held(r), event: r.event }));
}

/** A ticket whose codes are void, for door kits: a refunded booking's (every version), or one transferred (older versions). */
export async function voidCodes(db: Database, eventId: string): Promise<{ ticketId: string; bookingId: string; minVersion: number | null }[]> {
  const rows = await db
    .select({ seatIndex: bookedTickets.seatIndex, bookingId: bookedTickets.bookingId, codeVersion: bookedTickets.codeVersion, released: bookedTickets.released, status: bookings.status })
    .from(bookedTickets)
    .innerJoin(bookings, eq(bookings.id, bookedTickets.bookingId))
    .where(and(eq(bookedTickets.eventId, eventId), or(eq(bookedTickets.released, true), sql`${bookings.status} <> 'confirmed'`, sql`${bookedTickets.codeVersion} > 1`)));
  return rows.map((r) => ({
    ticketId: ticketId(eventId, r.seatIndex),
    bookingId: r.bookingId,
    minVersion: r.released || r.status !== "confirmed" ? null : r.codeVersion,
  }));
}
