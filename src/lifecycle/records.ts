/**
 * Postgres, the record of money and ownership, as the booking lifecycle
 * reads and writes it. Every status change is a compare-and-set on the
 * stored status (`where status in (...)`), so two settlements racing on one
 * booking cannot both move it.
 *
 * A booking, its tickets, the sold count, the hold's claim row, the fan's
 * contact (kept with the hold at checkout) and the payment event that caused
 * it are written in one transaction; its confirmation writes the fan's mail
 * to the outbox in the confirming transaction. Three guards
 * refuse a booking whatever the other layers did: the partial unique index
 * on booked_tickets (a ticket has at most one live booking); the hold's
 * claim row (a hold the room has let go can never be booked); and the
 * event's status (a cancelled event sells nothing).
 */
import type { TicketCharge } from "../shared/pricing";
import { and, eq, inArray, sql } from "drizzle-orm";
import { bookedTickets, bookings, events, holdClaims, holdContacts, paymentEvents, type BookingStatus } from "../shared/db-schema";
import type { Database } from "../shared/database";
import { newId } from "../shared/ids";
import { writeBookingConfirmed } from "../mail/notices";
import type { Mailer } from "../mail/outbox";

/** A ticket of the hold already has a live booking. */
export class SeatsTaken extends Error {}
/** The room let this hold go (its claim row says ended): it can never be booked. */
export class Fenced extends Error {}

export interface BookingRow {
  id: string;
  eventId: string;
  userId: string;
  holdId: string;
  paymentIntentId: string | null;
  status: BookingStatus;
  amountCents: number;
  refundedCents: number;
  currency: string;
  /** The booking's tickets that are not released. */
  seats: number[];
}

type Reader = Pick<Database, "select">;

async function withSeats(db: Reader, booking: typeof bookings.$inferSelect | undefined): Promise<BookingRow | undefined> {
  if (!booking) return undefined;
  const seats = await db
    .select({ seat: bookedTickets.seatIndex })
    .from(bookedTickets)
    .where(and(eq(bookedTickets.bookingId, booking.id), eq(bookedTickets.released, false)))
    .orderBy(bookedTickets.seatIndex);
  return bookingRow(booking, seats.map((s) => s.seat));
}

function bookingRow(booking: typeof bookings.$inferSelect, seats: number[]): BookingRow {
  const { id, eventId, userId, holdId, paymentIntentId, status, amountCents, refundedCents, currency } = booking;
  return { id, eventId, userId, holdId, paymentIntentId, status, amountCents, refundedCents, currency, seats };
}

export async function bookingByIntent(db: Database, paymentIntentId: string): Promise<BookingRow | undefined> {
  const [booking] = await db.select().from(bookings).where(eq(bookings.paymentIntentId, paymentIntentId));
  return withSeats(db, booking);
}

/**
 * Records a payment event as received, with the event it is for and when the
 * provider created it (the ops view's webhook lag); a row the booking's own
 * transaction wrote first gets those two.
 */
export async function recordEvent(db: Database, stripeEventId: string, type: string, about: { eventId: string | null; sentAt: Date | null }): Promise<void> {
  await db
    .insert(paymentEvents)
    .values({ id: stripeEventId, type, ...about })
    .onConflictDoUpdate({ target: paymentEvents.id, set: about, setWhere: sql`${paymentEvents.sentAt} IS NULL` });
}

export interface NewBooking {
  /** The payment event that caused the booking, recorded with it. */
  cause: { id: string; type: string } | undefined;
  eventId: string;
  holdId: string;
  userId: string;
  seats: number[];
  amountCents: number;
  currency: string;
  paymentIntentId: string;
  /** Each ticket's price as the room charged it (absent or empty: the face value, no fee). */
  charges?: TicketCharge[];
  /** The code the hold was made with. */
  codeId?: string | null;
}

/**
 * Writes the booking of a hold. The hold's claim row is written first: if
 * the room has already ended the hold (`ended`), throws Fenced; if another
 * delivery booked it (`booked`), returns that booking. Throws SeatsTaken when
 * any ticket already has a live booking.
 */
export async function writeBooking(db: Database, input: NewBooking): Promise<BookingRow> {
  try {
    return await db.transaction(async (tx) => {
      const claimed = await tx
        .insert(holdClaims)
        .values({ holdId: input.holdId, eventId: input.eventId, outcome: "booked", paymentIntentId: input.paymentIntentId })
        .onConflictDoNothing()
        .returning({ holdId: holdClaims.holdId });
      if (claimed.length === 0) {
        const [claim] = await tx.select().from(holdClaims).where(eq(holdClaims.holdId, input.holdId));
        if (claim?.outcome === "ended") throw new Fenced(`hold ${input.holdId} was let go by its room`);
        const [existing] = await tx.select().from(bookings).where(eq(bookings.holdId, input.holdId));
        const row = await withSeats(tx, existing);
        if (!row) throw new Error(`hold ${input.holdId} is claimed as booked but has no booking`);
        return row;
      }
      if (input.cause) await tx.insert(paymentEvents).values({ id: input.cause.id, type: input.cause.type }).onConflictDoNothing();
      // Where the fan's mail goes: kept when they started paying (a webhook carries no fan token).
      const [contact] = await tx
        .select({ email: holdContacts.email, language: holdContacts.language })
        .from(holdContacts)
        .where(and(eq(holdContacts.holdId, input.holdId), eq(holdContacts.userId, input.userId)));
      const id = newId("bk");
      await tx.insert(bookings).values({
        id,
        eventId: input.eventId,
        userId: input.userId,
        holdId: input.holdId,
        paymentIntentId: input.paymentIntentId,
        status: "authorized",
        amountCents: input.amountCents,
        currency: input.currency,
        fanEmail: contact?.email ?? null,
        fanLanguage: contact?.language ?? "en",
        codeId: input.codeId ?? null,
      });
      const written = await tx.execute(bookedTicketsInsert(id, input));
      if (written.rowCount !== input.seats.length) throw new Error(`booking ${id}: ${written.rowCount} of ${input.seats.length} tickets exist`);
      // The event's row serializes this with a cancellation (which writes it
      // too): a booking is never written for a cancelled event, so a payment
      // claimed just before the sale stopped is cancelled, never charged.
      const counted = await tx
        .update(events)
        .set({ soldCount: sql`${events.soldCount} + ${input.seats.length}` })
        .where(and(eq(events.id, input.eventId), sql`${events.status} <> 'cancelled'`))
        .returning({ id: events.id });
      if (counted.length === 0) throw new Fenced(`event ${input.eventId} is cancelled`);
      return {
        id,
        eventId: input.eventId,
        userId: input.userId,
        holdId: input.holdId,
        paymentIntentId: input.paymentIntentId,
        status: "authorized" as const,
        amountCents: input.amountCents,
        refundedCents: 0,
        currency: input.currency,
        seats: [...input.seats].sort((a, b) => a - b),
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new SeatsTaken("a ticket of this hold already has a live booking");
    throw error;
  }
}

/**
 * The booking's tickets, each with what the fan paid for it, all in, and its
 * split, as the room charged the hold; from the tickets' face values when
 * the hold carries no split (made before prices were split).
 */
function bookedTicketsInsert(bookingId: string, input: NewBooking) {
  const charges = input.charges ?? [];
  if (charges.length !== input.seats.length) {
    return sql`
      insert into booked_tickets (booking_id, event_id, seat_index, price_cents, face_cents)
      select ${bookingId}, event_id, seat_index, price_cents, price_cents from tickets
      where event_id = ${input.eventId} and seat_index in ${input.seats}`;
  }
  const rows = sql.join(
    charges.map((c) => sql`(${c.seat}::int, ${c.totalCents}::int, ${c.faceCents}::int, ${c.discountCents}::int, ${c.feeCents}::int, ${c.taxCents}::int)`),
    sql`, `,
  );
  return sql`
    insert into booked_tickets (booking_id, event_id, seat_index, price_cents, face_cents, discount_cents, fee_cents, tax_cents)
    select ${bookingId}, t.event_id, t.seat_index, c.price, c.face, c.discount, c.fee, c.tax
    from tickets t join (values ${rows}) as c(seat, price, face, discount, fee, tax) on c.seat = t.seat_index
    where t.event_id = ${input.eventId}`;
}

/**
 * The room gives up a hold it claimed for booking: writes the `ended` claim
 * row unless the booking transaction wrote `booked` first. Returns which won.
 */
export async function fenceHold(db: Database, hold: { holdId: string; eventId: string; paymentIntentId: string | null }): Promise<"ended" | "booked"> {
  const inserted = await db
    .insert(holdClaims)
    .values({ holdId: hold.holdId, eventId: hold.eventId, outcome: "ended", paymentIntentId: hold.paymentIntentId })
    .onConflictDoNothing()
    .returning({ holdId: holdClaims.holdId });
  if (inserted.length > 0) return "ended";
  const [claim] = await db.select({ outcome: holdClaims.outcome }).from(holdClaims).where(eq(holdClaims.holdId, hold.holdId));
  return claim?.outcome ?? "ended";
}

/**
 * authorized → confirmed (the payment is captured), and the fan's
 * confirmation written to the mail outbox in the same transaction; the
 * caller dispatches it after commit.
 */
export async function confirmBooking(db: Database, booking: BookingRow, mail: Mailer): Promise<BookingRow | undefined> {
  await db.transaction(async (tx) => {
    const [confirmed] = await tx
      .update(bookings)
      .set({ status: "confirmed", updatedAt: new Date() })
      .where(and(eq(bookings.id, booking.id), eq(bookings.status, "authorized")))
      .returning();
    if (confirmed) await writeBookingConfirmed(tx, mail, confirmed);
  });
  return reread(db, booking);
}

/**
 * A booking that will not stand gives its tickets back: authorized →
 * cancelled (never charged), or authorized/confirmed → refunded (all the
 * money returned).
 */
export async function voidBooking(db: Database, booking: BookingRow, status: "cancelled" | "refunded"): Promise<BookingRow | undefined> {
  const from: BookingStatus[] = status === "cancelled" ? ["authorized"] : ["authorized", "confirmed"];
  await db.transaction(async (tx) => {
    const moved = await tx
      .update(bookings)
      .set({ status, updatedAt: new Date(), ...(status === "refunded" ? { refundedCents: sql`${bookings.amountCents}` } : {}) })
      .where(and(eq(bookings.id, booking.id), inArray(bookings.status, from)))
      .returning({ id: bookings.id });
    if (moved.length === 0) return;
    const released = await tx
      .update(bookedTickets)
      .set({ released: true })
      .where(and(eq(bookedTickets.bookingId, booking.id), eq(bookedTickets.released, false)))
      .returning({ seat: bookedTickets.seatIndex });
    if (released.length > 0) {
      await tx
        .update(events)
        .set({ soldCount: sql`${events.soldCount} - ${released.length}` })
        .where(eq(events.id, booking.eventId));
    }
  });
  return reread(db, booking);
}

/** A confirmed booking records money returned at the provider (never less than it already has). */
export async function recordRefund(db: Database, booking: BookingRow, refundedCents: number): Promise<BookingRow | undefined> {
  const amount = Math.min(refundedCents, booking.amountCents);
  await db
    .update(bookings)
    .set({ refundedCents: amount, updatedAt: new Date() })
    .where(and(eq(bookings.id, booking.id), eq(bookings.status, "confirmed"), sql`${bookings.refundedCents} < ${amount}`));
  return reread(db, booking);
}

async function reread(db: Database, booking: BookingRow): Promise<BookingRow | undefined> {
  const [row] = await db.select().from(bookings).where(eq(bookings.id, booking.id));
  return withSeats(db, row);
}

export interface SoldTicket {
  seat: number;
  bookingId: string;
  holdId: string;
  userId: string;
  /** The code its booking was made with: a room rebuilt from Postgres counts the use as spent. */
  codeId: string | null;
}

/** Every ticket of the event with a live booking (authorized or confirmed). */
export async function soldTickets(db: Database, eventId: string): Promise<SoldTicket[]> {
  const rows = await db
    .select({ seat: bookedTickets.seatIndex, bookingId: bookedTickets.bookingId, holdId: bookings.holdId, userId: bookings.userId, codeId: bookings.codeId })
    .from(bookedTickets)
    .innerJoin(bookings, eq(bookings.id, bookedTickets.bookingId))
    .where(and(eq(bookedTickets.eventId, eventId), eq(bookedTickets.released, false)));
  return rows;
}

/** A fingerprint of the sold tickets (count, Σ seat, Σ seat²) and the event's sold count, to compare cheaply. */
export async function soldFingerprint(db: Database, eventId: string): Promise<{ count: number; sum: number; squares: number; soldCount: number }> {
  const result = await db.execute<{ count: number; sum: string; squares: string; sold_count: number | null }>(sql`
    select count(*)::int as count, coalesce(sum(seat_index), 0)::text as sum,
           coalesce(sum(seat_index::bigint * seat_index), 0)::text as squares,
           (select sold_count from events where id = ${eventId}) as sold_count
    from booked_tickets where event_id = ${eventId} and not released`);
  const row = result.rows[0];
  return { count: row?.count ?? 0, sum: Number(row?.sum ?? 0), squares: Number(row?.squares ?? 0), soldCount: row?.sold_count ?? 0 };
}

/** Repairs the event's denormalized sold count from its booked tickets, in one statement. */
export async function recountSold(db: Database, eventId: string): Promise<void> {
  await db.execute(sql`
    update events set sold_count = (select count(*) from booked_tickets where event_id = ${eventId} and not released)
    where id = ${eventId}`);
}

/** Every booking of these events, with its live tickets, by event (for the invariant checker). */
export async function bookingsOfEvents(db: Database, eventIds: string[]): Promise<Map<string, BookingRow[]>> {
  const out = new Map<string, BookingRow[]>(eventIds.map((id) => [id, []]));
  if (eventIds.length === 0) return out;
  const [rows, tickets] = await Promise.all([
    db.select().from(bookings).where(inArray(bookings.eventId, eventIds)),
    db
      .select({ bookingId: bookedTickets.bookingId, seat: bookedTickets.seatIndex })
      .from(bookedTickets)
      .where(and(inArray(bookedTickets.eventId, eventIds), eq(bookedTickets.released, false))),
  ]);
  const seats = new Map<string, number[]>();
  for (const t of tickets) seats.set(t.bookingId, [...(seats.get(t.bookingId) ?? []), t.seat]);
  for (const b of rows) out.get(b.eventId)?.push(bookingRow(b, (seats.get(b.id) ?? []).sort((x, y) => x - y)));
  return out;
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}
