/**
 * Postgres writes of the booking path. A booking, its tickets, the sold
 * count and the Stripe event that caused it are written in one transaction;
 * the partial unique index on booked_tickets refuses a second live booking of
 * any ticket, whatever the other layers did.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { bookedTickets, bookings, events, paymentEvents, tickets } from "../../../src/shared/db-schema";
import { newId } from "../../../src/shared/ids";
import type { Database } from "../env";

export class SeatsTaken extends Error {}

export interface BookingRow {
  id: string;
  eventId: string;
  userId: string;
  holdId: string;
  status: string;
  seats: number[];
}

export async function isProcessed(db: Database, stripeEventId: string): Promise<boolean> {
  const [row] = await db.select({ id: paymentEvents.id }).from(paymentEvents).where(eq(paymentEvents.id, stripeEventId));
  return row !== undefined;
}

export async function recordEvent(db: Database, stripeEventId: string, type: string): Promise<void> {
  await db.insert(paymentEvents).values({ id: stripeEventId, type }).onConflictDoNothing();
}

export async function bookingByIntent(db: Database, paymentIntentId: string): Promise<BookingRow | undefined> {
  const [booking] = await db.select().from(bookings).where(eq(bookings.paymentIntentId, paymentIntentId));
  if (!booking) return undefined;
  const seats = await db
    .select({ seat: bookedTickets.seatIndex })
    .from(bookedTickets)
    .where(eq(bookedTickets.bookingId, booking.id));
  return { id: booking.id, eventId: booking.eventId, userId: booking.userId, holdId: booking.holdId, status: booking.status, seats: seats.map((s) => s.seat) };
}

/**
 * Writes the booking of a hold with the event that caused it. Returns the
 * booking, or undefined when the event was already recorded (a duplicate
 * delivery). Throws SeatsTaken when any ticket already has a live booking.
 * A booking is per hold (unique), so two paths booking one hold write one.
 */
export async function writeBooking(
  db: Database,
  input: {
    /** The Stripe event that caused the booking, recorded with it; none when a reconciliation books. */
    stripeEvent: { id: string; type: string } | undefined;
    eventId: string;
    holdId: string;
    userId: string;
    seats: number[];
    amountCents: number;
    currency: string;
    paymentIntentId: string;
  },
): Promise<BookingRow | undefined> {
  try {
    return await db.transaction(async (tx) => {
      if (input.stripeEvent) {
        const recorded = await tx
          .insert(paymentEvents)
          .values({ id: input.stripeEvent.id, type: input.stripeEvent.type })
          .onConflictDoNothing()
          .returning({ id: paymentEvents.id });
        if (recorded.length === 0) return undefined;
      }
      const id = newId("bk");
      const inserted = await tx
        .insert(bookings)
        .values({
          id,
          eventId: input.eventId,
          userId: input.userId,
          holdId: input.holdId,
          paymentIntentId: input.paymentIntentId,
          status: "authorized",
          amountCents: input.amountCents,
          currency: input.currency,
        })
        .onConflictDoNothing({ target: bookings.holdId })
        .returning({ id: bookings.id });
      if (inserted.length === 0) {
        // The hold was booked by an earlier event for the same payment.
        const [existing] = await tx.select().from(bookings).where(eq(bookings.holdId, input.holdId));
        if (!existing) throw new Error("booking vanished inside its transaction");
        return { ...existing, seats: input.seats };
      }
      const written = await tx.execute(sql`
        insert into booked_tickets (booking_id, event_id, seat_index, price_cents)
        select ${id}, event_id, seat_index, price_cents from tickets
        where event_id = ${input.eventId} and seat_index in ${input.seats}`);
      if (written.rowCount !== input.seats.length) throw new Error(`booking ${id}: ${written.rowCount} of ${input.seats.length} tickets exist`);
      await tx
        .update(events)
        .set({ soldCount: sql`${events.soldCount} + ${input.seats.length}` })
        .where(eq(events.id, input.eventId));
      return { id, eventId: input.eventId, userId: input.userId, holdId: input.holdId, status: "authorized", seats: input.seats };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new SeatsTaken("a ticket of this hold already has a live booking");
    throw error;
  }
}

export async function setBookingStatus(db: Database, bookingId: string, status: "confirmed" | "refunded" | "canceled"): Promise<void> {
  await db.update(bookings).set({ status, updatedAt: new Date() }).where(eq(bookings.id, bookingId));
}

/** A booking that will never be paid gives its tickets back. */
export async function voidBooking(db: Database, booking: BookingRow, status: "canceled" | "refunded"): Promise<void> {
  await db.transaction(async (tx) => {
    const released = await tx
      .update(bookedTickets)
      .set({ released: true })
      .where(and(eq(bookedTickets.bookingId, booking.id), eq(bookedTickets.released, false)))
      .returning({ seat: bookedTickets.seatIndex });
    await tx.update(bookings).set({ status, updatedAt: new Date() }).where(eq(bookings.id, booking.id));
    if (released.length > 0) {
      await tx
        .update(events)
        .set({ soldCount: sql`${events.soldCount} - ${released.length}` })
        .where(eq(events.id, booking.eventId));
    }
  });
}

export async function ticketRows(db: Database, eventId: string, seats: number[]) {
  if (seats.length === 0) return [];
  return db
    .select()
    .from(tickets)
    .where(and(eq(tickets.eventId, eventId), inArray(tickets.seatIndex, seats)))
    .orderBy(tickets.seatIndex);
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}
