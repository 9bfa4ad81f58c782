/**
 * The hold rules of one event, as plain functions over plain data: what a
 * reserve, a checkout or a payment may do given the room's state and the
 * time. They decide; `SeatRoom` persists their decisions and keeps the
 * memory in step. Tested without a runtime in test/unit/hold-rules.test.ts.
 *
 * Invariant: a ticket is in at most one live hold or one booking. A hold is
 * live while its state is held or paying AND its expiry is in the future
 * (past it, its seats are free to others on every read and write, whether or
 * not the alarm has cleaned it up yet), or while it is being booked.
 */
import type { HoldRecord, HoldState } from "../../src/shared/booking";

export interface Catalog {
  eventId: string;
  ticketCount: number;
  perUserLimit: number;
  currency: string;
  /** Runs of equal prices in seat order: [firstIndex, count, priceCents]. */
  priceRuns: [number, number, number][];
  onSaleAt: number | null;
  startsAt: number;
  /** A waiting room guards this event: only admitted fans may hold seats. */
  queueEnabled?: boolean;
}

export interface Hold extends HoldRecord {
  userId: string;
  createdAt: number;
  graceUsed: boolean;
  idempotencyKey: string | null;
}

export interface RoomState {
  catalog: Catalog;
  prices: Int32Array;
  sold: Map<number, { bookingId: string; userId: string }>;
  soldByUser: Map<string, number>;
  /** Holds in an active state (held, paying, booking), live or past expiry. */
  holds: Map<string, Hold>;
  seatHold: Map<number, string>;
  userHold: Map<string, string>;
  /** Waiting-room sessions that ended here (booked or released): their tokens no longer hold seats. */
  endedSessions: Set<string>;
}

export const ACTIVE_STATES: ReadonlySet<HoldState> = new Set(["held", "paying", "booking"]);
/** How long a hold whose payment is authorized may take to be written as a booking. */
export const BOOKING_WINDOW_MS = 5 * 60_000;

/**
 * A hold being booked stays live until its booking is written or abandoned:
 * its payment is authorized and Postgres may already have the booking. The
 * alarm checks Postgres before ending one that is overdue.
 */
export const isLive = (hold: Hold, now: number): boolean =>
  hold.state === "booking" || (ACTIVE_STATES.has(hold.state) && hold.expiresAt > now);

export function isFree(state: RoomState, seat: number, now: number, ignoreHoldId?: string): boolean {
  if (state.sold.has(seat)) return false;
  const holder = state.seatHold.get(seat);
  if (holder === undefined || holder === ignoreHoldId) return true;
  const hold = state.holds.get(holder);
  return !hold || !isLive(hold, now);
}

/** A room with its catalog and nothing held or sold yet. */
export function emptyState(catalog: Catalog): RoomState {
  return {
    catalog,
    prices: expandPrices(catalog),
    sold: new Map(),
    soldByUser: new Map(),
    holds: new Map(),
    seatHold: new Map(),
    userHold: new Map(),
    endedSessions: new Set(),
  };
}

/** Puts an active hold into the room's indexes (memory only). */
export function addHold(state: RoomState, hold: Hold): void {
  state.holds.set(hold.id, hold);
  for (const seat of hold.seats) state.seatHold.set(seat, hold.id);
  // A late payment re-holding an old hold must not hide the fan's current one.
  if (hold.state !== "booking" || !state.userHold.has(hold.userId)) state.userHold.set(hold.userId, hold.id);
}

/** Takes a hold out of the room's indexes (memory only). */
export function removeHold(state: RoomState, hold: Hold): void {
  state.holds.delete(hold.id);
  for (const seat of hold.seats) if (state.seatHold.get(seat) === hold.id) state.seatHold.delete(seat);
  if (state.userHold.get(hold.userId) === hold.id) state.userHold.delete(hold.userId);
}

export function expandPrices(catalog: Catalog): Int32Array {
  const prices = new Int32Array(catalog.ticketCount);
  for (const [first, count, price] of catalog.priceRuns) prices.fill(price, first, first + count);
  return prices;
}

export type Rejection = { kind: "rejected"; status: 400 | 403 | 404 | 409; detail: string };
const reject = (status: Rejection["status"], detail: string): Rejection => ({ kind: "rejected", status, detail });

export type ReservePlan =
  | { kind: "hold"; hold: Hold; replaces: Hold | undefined }
  | { kind: "replay"; hold: Hold }
  | { kind: "unavailable"; seats: number[] }
  | Rejection;

export interface ReserveRequest {
  holdId: string;
  userId: string;
  seats: number[];
  idempotencyKey: string | null;
  /** The shopping session of an admission token the API verified for this fan and event. */
  admission: string | null;
}

/**
 * A reserve: all the seats or none. A fan's new hold replaces their held
 * one; a fan in checkout must finish or cancel first. The per-fan limit
 * counts the new hold and the fan's booked tickets.
 */
export function planReserve(
  state: RoomState,
  request: ReserveRequest,
  now: number,
  ttlMs: number,
  previous: Hold | undefined,
): ReservePlan {
  const { catalog } = state;
  if (previous) {
    if (previous.userId === request.userId && isLive(previous, now)) return { kind: "replay", hold: previous };
    return reject(409, "this Idempotency-Key was already used for a hold that has ended; use a new key");
  }
  if (catalog.onSaleAt !== null && now < catalog.onSaleAt) {
    return reject(409, `tickets go on sale at ${new Date(catalog.onSaleAt).toISOString()}`);
  }
  if (now >= catalog.startsAt) return reject(409, "the event has started; tickets are no longer sold");
  if (catalog.queueEnabled && !request.admission) {
    return reject(403, `this event has a waiting room: join it (POST /api/events/${catalog.eventId}/queue) and reserve with the X-Admission-Token it gives you`);
  }
  if (catalog.queueEnabled && request.admission && state.endedSessions.has(request.admission)) {
    return reject(403, "your shopping session has ended (you booked or gave your seats back); rejoin the waiting room");
  }
  const unknown = request.seats.filter((s) => !Number.isInteger(s) || s < 0 || s >= catalog.ticketCount);
  if (unknown.length > 0) return reject(400, `unknown tickets: ${unknown.map((s) => `${catalog.eventId}.${s}`).join(", ")}`);
  if (new Set(request.seats).size !== request.seats.length) return reject(400, "a ticket is listed twice");

  const currentId = state.userHold.get(request.userId);
  const current = currentId ? state.holds.get(currentId) : undefined;
  const replaces = current && isLive(current, now) ? current : undefined;
  if (replaces && replaces.state !== "held") {
    return reject(409, `your checkout of hold ${replaces.id} is in progress; finish or cancel it first`);
  }
  const unavailable = request.seats.filter((s) => !isFree(state, s, now, replaces?.id));
  if (unavailable.length > 0) return { kind: "unavailable", seats: unavailable };

  const booked = state.soldByUser.get(request.userId) ?? 0;
  if (booked + request.seats.length > catalog.perUserLimit) {
    return reject(
      400,
      `at most ${catalog.perUserLimit} tickets per fan for this event` + (booked ? `; you have booked ${booked} already` : ""),
    );
  }
  const hold: Hold = {
    id: request.holdId,
    eventId: catalog.eventId,
    userId: request.userId,
    state: "held",
    seats: [...request.seats].sort((a, b) => a - b),
    expiresAt: now + ttlMs,
    createdAt: now,
    totalCents: request.seats.reduce((sum, s) => sum + (state.prices[s] ?? 0), 0),
    currency: catalog.currency,
    paymentIntentId: null,
    bookingId: null,
    graceUsed: false,
    idempotencyKey: request.idempotencyKey,
  };
  return { kind: "hold", hold, replaces };
}

export type PaymentPlan = { kind: "paying"; hold: Hold; changed: boolean } | Rejection;

/** Starting checkout moves held → paying and extends the hold once by the grace. */
export function planPayment(hold: Hold | undefined, userId: string, now: number, graceMs: number): PaymentPlan {
  if (!hold || hold.userId !== userId) return reject(404, "no such hold");
  if (hold.state === "booked") return reject(409, "this hold is already booked");
  if (!isLive(hold, now)) return reject(409, "this hold has expired; choose your seats again");
  if (hold.state === "booking") return reject(409, "this payment is already being completed");
  if (hold.state === "paying") return { kind: "paying", hold, changed: false };
  return {
    kind: "paying",
    hold: { ...hold, state: "paying", expiresAt: hold.graceUsed ? hold.expiresAt : hold.expiresAt + graceMs, graceUsed: true },
    changed: true,
  };
}

export type BookingPlan =
  | { kind: "book"; hold: Hold; rehold: boolean }
  | { kind: "done"; bookingId: string }
  | { kind: "cancel"; reason: string };

/**
 * A payment was authorized for `hold`. Book it while the hold is live (or
 * already being booked); if it expired but every seat is still free, hold
 * them again and book; otherwise the authorization must be cancelled. A hold
 * the fan released is never booked behind their back.
 */
export function planBooking(state: RoomState, hold: Hold | undefined, paymentIntentId: string, now: number): BookingPlan {
  if (!hold) return { kind: "cancel", reason: "unknown hold" };
  if (hold.paymentIntentId !== null && hold.paymentIntentId !== paymentIntentId) {
    return { kind: "cancel", reason: "the hold is paid by another payment" };
  }
  switch (hold.state) {
    case "booked":
      return hold.bookingId ? { kind: "done", bookingId: hold.bookingId } : { kind: "cancel", reason: "booked without a booking id" };
    case "booking":
      return { kind: "book", hold: { ...hold, expiresAt: Math.max(hold.expiresAt, now + BOOKING_WINDOW_MS) }, rehold: false };
    case "released":
      return { kind: "cancel", reason: "the fan released the hold" };
    case "refunded":
      return { kind: "cancel", reason: "the hold was refunded" };
    case "held":
    case "paying":
      if (isLive(hold, now)) {
        return { kind: "book", hold: { ...hold, state: "booking", paymentIntentId, expiresAt: now + BOOKING_WINDOW_MS }, rehold: false };
      }
      break;
    case "expired":
      break;
  }
  if (!hold.seats.every((s) => isFree(state, s, now, hold.id))) return { kind: "cancel", reason: "the hold expired and its seats were taken" };
  // The fan may have held other seats since: those count against the limit too.
  const booked = state.soldByUser.get(hold.userId) ?? 0;
  const currentId = state.userHold.get(hold.userId);
  const current = currentId && currentId !== hold.id ? state.holds.get(currentId) : undefined;
  const holding = current && isLive(current, now) ? current.seats.length : 0;
  if (booked + holding + hold.seats.length > state.catalog.perUserLimit) return { kind: "cancel", reason: "the fan's ticket limit is reached" };
  return { kind: "book", hold: { ...hold, state: "booking", paymentIntentId, expiresAt: now + BOOKING_WINDOW_MS }, rehold: true };
}

/** Active holds whose expiry has passed: the alarm ends them. */
export function dueHolds(state: RoomState, now: number): Hold[] {
  return [...state.holds.values()].filter((h) => h.expiresAt <= now);
}

export function earliestExpiry(state: RoomState): number | undefined {
  let earliest: number | undefined;
  for (const hold of state.holds.values()) if (earliest === undefined || hold.expiresAt < earliest) earliest = hold.expiresAt;
  return earliest;
}

export interface Availability {
  total: number;
  available: number;
  held: number;
  sold: number;
}

export function availability(state: RoomState, now: number): Availability {
  let held = 0;
  for (const hold of state.holds.values()) if (isLive(hold, now)) held += hold.seats.filter((s) => !state.sold.has(s)).length;
  const total = state.catalog.ticketCount;
  return { total, held, sold: state.sold.size, available: total - held - state.sold.size };
}

/** The RPC view of a hold; with `now`, an active hold past its expiry reads as expired. */
export function holdRecord(hold: Hold, now?: number): HoldRecord {
  const expired = now !== undefined && (hold.state === "held" || hold.state === "paying") && hold.expiresAt <= now;
  return {
    id: hold.id,
    eventId: hold.eventId,
    userId: hold.userId,
    state: expired ? "expired" : hold.state,
    seats: hold.seats,
    expiresAt: hold.expiresAt,
    totalCents: hold.totalCents,
    currency: hold.currency,
    paymentIntentId: hold.paymentIntentId,
    bookingId: hold.bookingId,
  };
}
