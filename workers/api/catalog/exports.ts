/**
 * An event's two CSV exports, as keyset pages for `csvResponse`.
 *
 * Orders: every booking of the event, whatever its status, oldest first,
 * paged by (created_at, id): many bookings share a created_at (one
 * statement can write several), so the id breaks ties. The time is kept as
 * Postgres's own text, since a Date would round off its microseconds and
 * skip or repeat a row at a page boundary.
 *
 * Attendees: every live ticket (booked_tickets not released) of a confirmed
 * booking, in seat order, paged by seat index, which the partial unique
 * index on live booked tickets makes unique within the event.
 */
import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { bookedTickets, bookings, tickets } from "../../../src/shared/db-schema";
import { ticketId } from "../../../src/shared/ids";
import type { Database } from "../env";
import type { CsvExport } from "./csv";
import type { TimeAndId } from "./cursor";

interface OrderRecord {
  id: string;
  at: string;
  createdAt: Date;
  status: string;
  userId: string;
  amountCents: number;
  refundedCents: number;
  currency: string;
  seats: { seatIndex: number; released: boolean }[];
}

export function ordersExport(eventId: string): CsvExport<OrderRecord, TimeAndId> {
  const ids = (seats: OrderRecord["seats"]) => seats.map((s) => ticketId(eventId, s.seatIndex)).join(" ");
  return {
    eventId,
    name: "orders",
    header: ["booking_id", "created_at", "status", "fan_user_id", "ticket_count", "amount_cents", "refunded_cents", "currency", "ticket_ids", "void_ticket_ids"],
    page: (db, after, limit) => orderPage(db, eventId, after, limit),
    key: (order) => ({ t: order.at, i: order.id }),
    row: (order) => [
      order.id,
      order.createdAt.toISOString(),
      order.status,
      order.userId,
      order.seats.length,
      order.amountCents,
      order.refundedCents,
      order.currency,
      ids(order.seats),
      ids(order.seats.filter((s) => s.released)),
    ],
  };
}

async function orderPage(db: Database, eventId: string, after: TimeAndId | undefined, limit: number): Promise<OrderRecord[]> {
  const rows = await db
    .select({
      id: bookings.id,
      at: sql<string>`${bookings.createdAt}::text`,
      createdAt: bookings.createdAt,
      status: bookings.status,
      userId: bookings.userId,
      amountCents: bookings.amountCents,
      refundedCents: bookings.refundedCents,
      currency: bookings.currency,
    })
    .from(bookings)
    .where(and(eq(bookings.eventId, eventId), after ? sql`(${bookings.createdAt}, ${bookings.id}) > (${after.t}::timestamptz, ${after.i})` : undefined))
    .orderBy(asc(bookings.createdAt), asc(bookings.id))
    .limit(limit);
  if (rows.length === 0) return [];
  const seats = await db
    .select({ bookingId: bookedTickets.bookingId, seatIndex: bookedTickets.seatIndex, released: bookedTickets.released })
    .from(bookedTickets)
    .where(inArray(bookedTickets.bookingId, rows.map((r) => r.id)))
    .orderBy(asc(bookedTickets.seatIndex));
  const byBooking = new Map<string, OrderRecord["seats"]>();
  for (const { bookingId, ...seat } of seats) {
    const list = byBooking.get(bookingId) ?? [];
    list.push(seat);
    byBooking.set(bookingId, list);
  }
  return rows.map((row) => ({ ...row, seats: byBooking.get(row.id) ?? [] }));
}

interface AttendeeRecord {
  seatIndex: number;
  section: string;
  row: string | null;
  seat: string | null;
  priceCents: number;
  faceCents: number;
  discountCents: number;
  feeCents: number;
  taxCents: number;
  bookingId: string;
  userId: string;
  holder: string;
}

export function attendeesExport(eventId: string): CsvExport<AttendeeRecord, number> {
  return {
    eventId,
    name: "attendees",
    // price_cents is what the fan paid, all in; its split follows at the end (columns are only ever added there).
    header: ["ticket_id", "section", "row", "seat", "price_cents", "booking_id", "fan_user_id", "holder", "face_cents", "discount_cents", "fee_cents", "tax_cents"],
    page: (db, after, limit) =>
      db
        .select({
          seatIndex: bookedTickets.seatIndex,
          section: tickets.section,
          row: tickets.row,
          seat: tickets.seat,
          priceCents: bookedTickets.priceCents,
          faceCents: bookedTickets.faceCents,
          discountCents: bookedTickets.discountCents,
          feeCents: bookedTickets.feeCents,
          taxCents: bookedTickets.taxCents,
          bookingId: bookings.id,
          userId: bookings.userId,
          // Who holds it now: the buyer, or whom it was given to (a user id, or an address until they sign in).
          holder: sql<string>`coalesce(${bookedTickets.holderId}, ${bookedTickets.holderEmail}, ${bookings.userId})`,
        })
        .from(bookedTickets)
        .innerJoin(bookings, eq(bookings.id, bookedTickets.bookingId))
        .innerJoin(tickets, and(eq(tickets.eventId, bookedTickets.eventId), eq(tickets.seatIndex, bookedTickets.seatIndex)))
        .where(
          and(
            eq(bookedTickets.eventId, eventId),
            eq(bookedTickets.released, false),
            eq(bookings.status, "confirmed"),
            after === undefined ? undefined : gt(bookedTickets.seatIndex, after),
          ),
        )
        .orderBy(asc(bookedTickets.seatIndex))
        .limit(limit),
    key: (attendee) => attendee.seatIndex,
    row: (a) => [ticketId(eventId, a.seatIndex), a.section, a.row, a.seat, a.priceCents, a.bookingId, a.userId, a.holder, a.faceCents, a.discountCents, a.feeCents, a.taxCents],
  };
}
