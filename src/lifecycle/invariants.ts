/**
 * The invariant checker: what must hold between an event's SeatRoom, the
 * bookings in Postgres and the payment provider, as a pure function over
 * what each side reports. The chaos suite runs it after every schedule
 * (`settled`: every webhook delivered, every alarm run, the clock past every
 * expiry) and `npm run check:invariants` runs it against a live system,
 * where work in flight (a booking being written, a payment due to be
 * settled) is not yet a violation.
 */
import type { PaymentIntentView } from "../payments/provider";
import type { RoomInspection } from "../shared/room-protocol";
import type { BookingRow } from "./records";

export interface EventRecords {
  eventId: string;
  room: RoomInspection | null;
  bookings: BookingRow[];
  payments: PaymentIntentView[];
  /** The event's denormalized sold count in Postgres. */
  soldCount: number;
}

export interface Violation {
  eventId: string;
  invariant: string;
  detail: string;
}

/** How long past its expiry a hold may still be active on a live system (the alarm may be late). */
const LATE_MS = 10 * 60_000;

const LIVE_BOOKING = new Set(["authorized", "confirmed"]);

export function checkEvent(records: EventRecords, options: { settled: boolean }): Violation[] {
  const { eventId, room, bookings, payments } = records;
  const out: Violation[] = [];
  const fail = (invariant: string, detail: string) => out.push({ eventId, invariant, detail });
  const live = bookings.filter((b) => LIVE_BOOKING.has(b.status));

  // A ticket is in at most one booking.
  const bookedSeat = new Map<number, string>();
  for (const booking of live) {
    for (const seat of booking.seats) {
      const other = bookedSeat.get(seat);
      if (other) fail("one booking per ticket", `seat ${seat} is in bookings ${other} and ${booking.id}`);
      bookedSeat.set(seat, booking.id);
    }
  }
  const bookedCount = live.reduce((n, b) => n + b.seats.length, 0);
  if (records.soldCount !== bookedCount) fail("sold count", `events.sold_count is ${records.soldCount}, booked tickets are ${bookedCount}`);

  if (room) checkRoom(room, live, bookings, options, fail);
  checkPayments(room, bookings, payments, options, fail);
  return out;
}

function checkRoom(
  room: RoomInspection,
  live: BookingRow[],
  bookings: BookingRow[],
  options: { settled: boolean },
  fail: (invariant: string, detail: string) => void,
): void {
  const sold = new Map(room.sold.map((s) => [s.seat, s.bookingId]));
  // A ticket is in at most one live hold, and never in a live hold once sold.
  const heldBy = new Map<number, string>();
  for (const hold of room.activeHolds.filter((h) => h.live)) {
    for (const seat of hold.seats) {
      const other = heldBy.get(seat);
      if (other) fail("one live hold per ticket", `seat ${seat} is in live holds ${other} and ${hold.id}`);
      heldBy.set(seat, hold.id);
      if (sold.has(seat)) fail("one live hold per ticket", `seat ${seat} is sold and in live hold ${hold.id}`);
    }
    const maxMs = hold.offer ? (room.maxOfferMs ?? room.maxHoldMs) : room.maxHoldMs;
    if ((hold.state === "held" || hold.state === "paying") && hold.expiresAt - hold.createdAt > maxMs) {
      fail("holds cannot be renewed", `hold ${hold.id} lasts ${hold.expiresAt - hold.createdAt} ms, more than ${maxMs}`);
    }
  }

  // The room's sold seats equal Postgres' booked tickets.
  const claimed = new Set(room.activeHolds.filter((h) => h.state === "booking").map((h) => h.id));
  const byId = new Map(bookings.map((b) => [b.id, b]));
  for (const booking of live) {
    for (const seat of booking.seats) {
      if (sold.get(seat) === booking.id) continue;
      // Live: a booking just written whose claim the room has not yet marked sold.
      if (!options.settled && booking.status === "authorized" && claimed.has(booking.holdId)) continue;
      fail("room agrees with Postgres", `seat ${seat} is booked by ${booking.id} in Postgres but ${sold.has(seat) ? `sold to ${sold.get(seat)}` : "not sold"} in the room`);
    }
  }
  for (const [seat, bookingId] of sold) {
    const booking = byId.get(bookingId);
    if (booking && LIVE_BOOKING.has(booking.status) && booking.seats.includes(seat)) continue;
    // Live: a booking just voided whose seats the room is about to free.
    if (!options.settled && booking && !LIVE_BOOKING.has(booking.status)) continue;
    fail("room agrees with Postgres", `seat ${seat} is sold to ${bookingId} in the room but ${booking ? `that booking is ${booking.status}` : "Postgres has no such booking"}`);
  }

  // No fan over the limit: booked tickets plus seats in live holds.
  const perFan = new Map<string, number>();
  for (const booking of live) perFan.set(booking.userId, (perFan.get(booking.userId) ?? 0) + booking.seats.length);
  for (const hold of room.activeHolds.filter((h) => h.live)) {
    perFan.set(hold.userId, (perFan.get(hold.userId) ?? 0) + hold.seats.filter((s) => !sold.has(s)).length);
  }
  for (const [userId, count] of perFan) {
    if (count > room.perUserLimit) fail("per-fan limit", `${userId} has ${count} tickets booked or held; the limit is ${room.perUserLimit}`);
  }

  // Every hold ends: settled, none is live any more; live, none outstays its expiry by long.
  for (const hold of room.activeHolds) {
    if (options.settled ? hold.live : hold.expiresAt + LATE_MS < room.now) {
      fail("every hold ends", `hold ${hold.id} is still ${hold.state} (expiry ${new Date(hold.expiresAt).toISOString()}, room time ${new Date(room.now).toISOString()})`);
    }
  }
}

function checkPayments(
  room: RoomInspection | null,
  bookings: BookingRow[],
  payments: PaymentIntentView[],
  options: { settled: boolean },
  fail: (invariant: string, detail: string) => void,
): void {
  const byIntent = new Map(bookings.filter((b) => b.paymentIntentId).map((b) => [b.paymentIntentId, b]));
  const due = new Set(room?.paymentsDue ?? []);
  const holdOf = new Map((room?.payments ?? []).map((p) => [p.paymentIntentId, p]));
  const openHold = new Set((room?.activeHolds ?? []).filter((h) => h.live).map((h) => h.paymentIntentId));
  for (const payment of payments) {
    const booking = byIntent.get(payment.id);
    const kept = payment.amountReceived - payment.amountRefunded;
    if (payment.status === "succeeded" && kept > 0) {
      if (booking?.status !== "confirmed") fail("money has a booking", `payment ${payment.id} kept ${kept} but its booking is ${booking?.status ?? "missing"}`);
      else if (booking.amountCents !== payment.amountReceived) fail("money has a booking", `payment ${payment.id} took ${payment.amountReceived} for booking ${booking.id} of ${booking.amountCents}`);
    }
    // No authorization (or unpaid intent) is left open once its hold has ended.
    const inFlight = !options.settled && (due.has(payment.id) || openHold.has(payment.id) || booking?.status === "authorized");
    const fanPaying = openHold.has(payment.id);
    if (payment.status === "requires_capture" && !inFlight) fail("no open authorization", `payment ${payment.id} is authorized and nothing will capture or cancel it`);
    const unpaid = payment.status === "requires_payment_method" || payment.status === "requires_confirmation" || payment.status === "requires_action";
    if (unpaid && !fanPaying && !inFlight && holdOf.has(payment.id)) fail("no open authorization", `payment ${payment.id} is still open but its hold ${holdOf.get(payment.id)?.holdId} has ended`);
  }
  const intents = new Map(payments.map((p) => [p.id, p]));
  for (const booking of bookings) {
    const payment = booking.paymentIntentId ? intents.get(booking.paymentIntentId) : undefined;
    if (booking.status === "confirmed" && (payment?.status !== "succeeded" || payment.amountReceived !== booking.amountCents)) {
      fail("a confirmed booking is paid", `booking ${booking.id} is confirmed but its payment is ${payment ? `${payment.status}, ${payment.amountReceived} received` : "missing"}`);
    }
    if (booking.status === "authorized" && options.settled) fail("bookings settle", `booking ${booking.id} is still authorized`);
    if (booking.status === "cancelled" && payment && payment.amountReceived > payment.amountRefunded) {
      fail("a cancelled booking took no money", `booking ${booking.id} is cancelled but its payment kept ${payment.amountReceived - payment.amountRefunded}`);
    }
  }
}
