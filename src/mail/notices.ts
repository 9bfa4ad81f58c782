/**
 * The booking lifecycle's mail: what a booking's fan is told when it is
 * confirmed, refunded, or its event cancelled. Each notice is read from
 * Postgres and written to the outbox inside the transaction that caused it
 * (so it exists exactly when its cause does), under a dedupe key, so a
 * retried webhook or job step writes it once. A booking without a fan
 * address (made before addresses were kept, or by a token without `email`)
 * gets no mail.
 *
 * `mailEvent` and `mailPlaces` read the plain data every template takes, for
 * other writers of mail (transfers, the waitlist).
 */
import { and, asc, desc, eq, inArray, isNotNull, or } from "drizzle-orm";
import { bookedTickets, bookings, eventCancellations, events, holdContacts, tickets, venues } from "../shared/db-schema";
import type { Database } from "../shared/database";
import { ticketId } from "../shared/ids";
import { issuePass } from "../shared/ticket-codes";
import type { Mailer } from "./outbox";
import { bookingConfirmedMail, eventCancelledMail, refundMail, ticketVoidedMail, type MailEvent, type MailSeat } from "./templates";

type Reader = Pick<Database, "select">;
type Writer = Pick<Database, "select" | "insert">;
type Booking = typeof bookings.$inferSelect;

/** An event as mail shows it, with its venue's time zone. */
export async function mailEvent(db: Reader, eventId: string): Promise<(MailEvent & { startsAtDate: Date }) | undefined> {
  const [row] = await db
    .select({ id: events.id, name: events.name, startsAt: events.startsAt, venueName: events.venueName, city: events.city, timeZone: venues.timezone })
    .from(events)
    .innerJoin(venues, eq(venues.id, events.venueId))
    .where(eq(events.id, eventId));
  return row ? { ...row, startsAt: row.startsAt.toISOString(), startsAtDate: row.startsAt } : undefined;
}

/** Places (section, row, seat) of some of an event's tickets, in seat order. */
export async function mailPlaces(db: Reader, eventId: string, seats: number[]): Promise<(MailSeat & { seatIndex: number })[]> {
  if (seats.length === 0) return [];
  return db
    .select({ seatIndex: tickets.seatIndex, section: tickets.section, row: tickets.row, seat: tickets.seat })
    .from(tickets)
    .where(and(eq(tickets.eventId, eventId), inArray(tickets.seatIndex, seats)))
    .orderBy(asc(tickets.seatIndex));
}

/** The confirmation, with every live ticket and its code. */
export async function writeBookingConfirmed(tx: Writer, mail: Mailer, booking: Booking): Promise<void> {
  if (!booking.fanEmail) return;
  const event = await mailEvent(tx, booking.eventId);
  if (!event) return;
  const live = await tx
    .select({ seatIndex: bookedTickets.seatIndex, version: bookedTickets.codeVersion })
    .from(bookedTickets)
    .where(and(eq(bookedTickets.bookingId, booking.id), eq(bookedTickets.released, false)));
  const versions = new Map(live.map((t) => [t.seatIndex, t.version]));
  const places = await mailPlaces(tx, booking.eventId, [...versions.keys()]);
  const coded = await Promise.all(
    places.map(async (place) => ({
      ...place,
      // The print code: mail is read anywhere, so its codes are not bound to a device.
      code: await issuePass(
        mail.env,
        {
          ticketId: ticketId(booking.eventId, place.seatIndex),
          bookingId: booking.id,
          version: versions.get(place.seatIndex) ?? 1,
          section: place.section,
          row: place.row,
          seat: place.seat,
        },
        event.startsAtDate,
      ),
    })),
  );
  await mail.write(tx, {
    dedupeKey: `booking-confirmed:${booking.id}`,
    to: booking.fanEmail,
    ...bookingConfirmedMail({
      language: booking.fanLanguage,
      publicUrl: mail.env.PUBLIC_URL,
      event,
      bookingId: booking.id,
      tickets: coded,
      totalCents: booking.amountCents,
      currency: booking.currency,
    }),
  });
}

/**
 * A refund just requested: the refunded tickets and the amount; or, when the
 * refund is the event's cancellation, the cancellation notice (once per
 * booking, whatever the job's retries).
 */
export async function writeRefundNotice(
  tx: Writer,
  mail: Mailer,
  booking: Booking,
  refund: { id: string; seats: number[]; amountCents: number },
  cancelled: boolean,
): Promise<void> {
  const event = await mailEvent(tx, booking.eventId);
  if (!event) return;
  await writeHolderNotices(tx, mail, booking, event, refund.seats, cancelled ? { cancelled: true, key: `cancelled:${booking.id}` } : { cancelled: false, key: refund.id });
  if (!booking.fanEmail) return;
  const common = {
    language: booking.fanLanguage,
    publicUrl: mail.env.PUBLIC_URL,
    event,
    bookingId: booking.id,
    amountCents: refund.amountCents,
    currency: booking.currency,
  };
  if (cancelled) {
    const [cancellation] = await tx
      .select({ reason: eventCancellations.reason })
      .from(eventCancellations)
      .where(eq(eventCancellations.eventId, booking.eventId));
    const notice = eventCancelledMail({ ...common, reason: cancellation?.reason ?? null });
    await mail.write(tx, { dedupeKey: `event-cancelled:${booking.id}`, to: booking.fanEmail, ...notice });
    return;
  }
  const refunded = await mailPlaces(tx, booking.eventId, refund.seats);
  await mail.write(tx, { dedupeKey: `refund:${refund.id}`, to: booking.fanEmail, ...refundMail({ ...common, tickets: refunded }) });
}

/** The address a user last paid with, for mail to someone known only by user id (identities are the provider's: there is no user table). */
export async function lastKnownAddress(db: Reader, userId: string): Promise<{ email: string; language: string } | undefined> {
  const [row] = await db
    .select({ email: holdContacts.email, language: holdContacts.language })
    .from(holdContacts)
    .where(and(eq(holdContacts.userId, userId), isNotNull(holdContacts.email)))
    .orderBy(desc(holdContacts.createdAt))
    .limit(1);
  return row?.email ? { email: row.email, language: row.language } : undefined;
}

/**
 * Tickets of the booking that were given to someone else: each holder is
 * told their tickets no longer open the door (the money goes to the buyer).
 */
async function writeHolderNotices(tx: Writer, mail: Mailer, booking: Booking, event: MailEvent, seats: number[], why: { cancelled: boolean; key: string }): Promise<void> {
  if (seats.length === 0) return;
  const given = await tx
    .select({ seatIndex: bookedTickets.seatIndex, holderId: bookedTickets.holderId, holderEmail: bookedTickets.holderEmail })
    .from(bookedTickets)
    .where(and(eq(bookedTickets.bookingId, booking.id), inArray(bookedTickets.seatIndex, seats), or(isNotNull(bookedTickets.holderId), isNotNull(bookedTickets.holderEmail))));
  const byHolder = new Map<string, { holderId: string | null; holderEmail: string | null; seats: number[] }>();
  for (const t of given) {
    const key = t.holderId ?? `email:${t.holderEmail}`;
    const entry = byHolder.get(key) ?? { holderId: t.holderId, holderEmail: t.holderEmail, seats: [] };
    entry.seats.push(t.seatIndex);
    byHolder.set(key, entry);
  }
  for (const [key, holder] of byHolder) {
    const address = holder.holderId ? await lastKnownAddress(tx, holder.holderId) : holder.holderEmail ? { email: holder.holderEmail, language: booking.fanLanguage } : undefined;
    if (!address) continue;
    const tickets = await mailPlaces(tx, booking.eventId, holder.seats);
    const notice = ticketVoidedMail({ language: address.language, publicUrl: mail.env.PUBLIC_URL, event, tickets, cancelled: why.cancelled });
    await mail.write(tx, { dedupeKey: `ticket-voided:${why.key}:${key}`, to: address.email, ...notice });
  }
}
