/**
 * The hold rules of one event, as plain functions over plain data: what a
 * reserve, a checkout or an authorized payment may do given the room's state
 * and the time. They decide; `SeatRoom` persists their decisions and keeps
 * the memory in step. Tested without a runtime in test/unit/hold-rules.test.ts.
 *
 * Invariants:
 * - a ticket is in at most one live hold or one booking;
 * - a fan's live holds plus their booked tickets never exceed the event's
 *   per-fan limit, on every path (a reserve, a replacement, a late re-hold);
 * - a fan's hold window lasts at most its time to live plus one checkout
 *   grace: a replacement, or a new hold soon after a release, keeps the
 *   window's expiry, so no fan can extend their own hold;
 * - nothing is held or claimed for booking outside the sale (before it
 *   opens, once the event has started), nor with an ended waiting-room
 *   session.
 *
 * A hold is live while it is held or paying and its expiry is in the future
 * (past it, its seats are free to others on every read and write, whether
 * or not the alarm has cleaned it up yet), or while it is being booked.
 */
import type { FeePolicy } from "../../src/shared/pricing";
import { ACTIVE_HOLD_STATES, type BlockRecord, type ClaimOutcome, type CodeGrant, type HoldPhase, type HoldRecord, type Rejection } from "../../src/shared/room-protocol";
import { chargesFor, codeRule, findCode, holdCode, isPresale, payableRule } from "./prices";

export interface Catalog {
  eventId: string;
  ticketCount: number;
  perUserLimit: number;
  currency: string;
  /** Runs of equal prices in seat order: [firstIndex, count, priceCents]. */
  priceRuns: [number, number, number][];
  /** The event's service fee and tax (absent in catalogs stored before fees: none). */
  fees?: FeePolicy;
  /** The event's presale and promo codes that are not disabled. */
  codes?: CodeGrant[];
  /** When the event (or one of its codes) last changed (events.updated_at, ms): an older catalog arriving late is ignored. */
  version?: number;
  onSaleAt: number | null;
  startsAt: number;
  /** A waiting room guards this event: only admitted fans may hold seats. */
  queueEnabled?: boolean;
  /** The organizer cancelled the event: nothing is held, claimed or sold any more. */
  cancelled?: boolean;
}

/** The waiting-room session a hold was made in, and when its admission lapses. */
export interface Admission {
  session: string;
  until: number;
}

export interface Hold extends HoldRecord {
  createdAt: number;
  graceUsed: boolean;
  idempotencyKey: string | null;
  admission: Admission | null;
  /** The room gave up this hold's claim through the Postgres fence: it can never be booked. */
  fenced: boolean;
}

export interface SoldSeat {
  bookingId: string;
  userId: string;
}

export interface RoomState {
  catalog: Catalog;
  prices: Int32Array;
  sold: Map<number, SoldSeat>;
  soldByUser: Map<string, number>;
  /** Holds in an active state (held, paying, booking), live or past expiry. */
  holds: Map<string, Hold>;
  seatHold: Map<number, string>;
  /** Every active hold of each fan (a fan may have one held or paying hold, plus late re-holds being booked). */
  userHolds: Map<string, Set<string>>;
  /** Waiting-room sessions that ended here (booked or released): their tokens no longer hold seats. */
  endedSessions: Set<string>;
  /** Box-office blocks (blocks.ts), and the block of each blocked seat. */
  blocks: Map<string, BlockRecord>;
  seatBlock: Map<number, string>;
}

/** How long a hold whose payment is authorized may take to be written as a booking. */
export const BOOKING_WINDOW_MS = 5 * 60_000;

export const isLive = (hold: Hold, now: number): boolean =>
  hold.state === "booking" || (ACTIVE_HOLD_STATES.has(hold.state) && hold.expiresAt > now);

export function isFree(state: RoomState, seat: number, now: number, ignoreHoldId?: string): boolean {
  if (state.sold.has(seat) || state.seatBlock.has(seat)) return false;
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
    userHolds: new Map(),
    endedSessions: new Set(),
    blocks: new Map(),
    seatBlock: new Map(),
  };
}

/** Puts an active hold into the room's indexes (memory only). */
export function addHold(state: RoomState, hold: Hold): void {
  state.holds.set(hold.id, hold);
  for (const seat of hold.seats) state.seatHold.set(seat, hold.id);
  let mine = state.userHolds.get(hold.userId);
  if (!mine) state.userHolds.set(hold.userId, (mine = new Set()));
  mine.add(hold.id);
}

/** Takes a hold out of the room's indexes (memory only). */
export function removeHold(state: RoomState, hold: Hold): void {
  state.holds.delete(hold.id);
  for (const seat of hold.seats) if (state.seatHold.get(seat) === hold.id) state.seatHold.delete(seat);
  const mine = state.userHolds.get(hold.userId);
  mine?.delete(hold.id);
  if (mine?.size === 0) state.userHolds.delete(hold.userId);
}

export function expandPrices(catalog: Catalog): Int32Array {
  const prices = new Int32Array(catalog.ticketCount);
  for (const [first, count, price] of catalog.priceRuns) prices.fill(price, first, first + count);
  return prices;
}

const reject = (status: Rejection["status"], detail: string, state?: Hold["state"]): Rejection =>
  state ? { kind: "rejected", status, detail, state } : { kind: "rejected", status, detail };

/** The fan's live holds, optionally leaving one out. */
export function liveHoldsOf(state: RoomState, userId: string, now: number, except?: string): Hold[] {
  const out: Hold[] = [];
  for (const id of state.userHolds.get(userId) ?? []) {
    const hold = state.holds.get(id);
    if (hold && hold.id !== except && isLive(hold, now)) out.push(hold);
  }
  return out;
}

/** Tickets that count against the fan's limit: booked ones plus every live hold's unsold seats. */
export function ticketsOf(state: RoomState, userId: string, now: number, except?: string): number {
  let count = state.soldByUser.get(userId) ?? 0;
  for (const hold of liveHoldsOf(state, userId, now, except)) count += hold.seats.filter((s) => !state.sold.has(s)).length;
  return count;
}

/**
 * Whether seats may be held or claimed at `now`: the event is not
 * cancelled, the sale has opened (or a presale code opens it) and the event
 * has not started.
 */
export function saleRule(catalog: Catalog, now: number, presale = false): Rejection | undefined {
  if (catalog.cancelled) return reject(409, "this event is cancelled; tickets are not sold");
  if (!presale && catalog.onSaleAt !== null && now < catalog.onSaleAt) return reject(409, `tickets go on sale at ${new Date(catalog.onSaleAt).toISOString()}`);
  if (now >= catalog.startsAt) return reject(409, "the event has started; tickets are no longer sold");
  return undefined;
}

/** Whether a waiting-room session may hold seats at `now`. */
export function admissionRule(state: RoomState, admission: Admission | null, now: number): Rejection | undefined {
  if (!state.catalog.queueEnabled) return undefined;
  if (!admission) {
    return reject(403, `this event has a waiting room: join it (POST /api/events/${state.catalog.eventId}/queue) and reserve with the X-Admission-Token it gives you`);
  }
  if (state.endedSessions.has(admission.session)) {
    return reject(403, "your shopping session has ended (you booked or gave your seats back); rejoin the waiting room");
  }
  if (admission.until <= now) return reject(403, "your shopping session has expired; rejoin the waiting room");
  return undefined;
}

function limitRule(state: RoomState, userId: string, adding: number, now: number, except?: string): Rejection | undefined {
  const have = ticketsOf(state, userId, now, except);
  if (have + adding <= state.catalog.perUserLimit) return undefined;
  const booked = state.soldByUser.get(userId) ?? 0;
  return reject(
    400,
    `at most ${state.catalog.perUserLimit} tickets per fan for this event` +
      (booked ? `; you have booked ${booked} already` : "") +
      (have > booked ? `; you hold ${have - booked} in another hold` : ""),
  );
}

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
  admission: Admission | null;
  code?: string | null;
}

/**
 * What the room knows of the fan's past: the hold sent with the same key,
 * the fan's latest hold, and how often the request's code is used (by live
 * and booked holds other than the fan's held one).
 */
export interface ReserveHistory {
  previous: Hold | undefined;
  latest: Hold | undefined;
  codeUses?: number;
}

const sameSeats = (a: number[], b: number[]) => {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.length === y.length && x.every((s, i) => s === y[i]);
};

/**
 * The expiry of a new hold: a fresh window of `ttlMs`, unless the fan's
 * latest hold is still in its window (being replaced, or released moments
 * ago), whose expiry and grace it then keeps.
 */
/** The waiting-room session a waitlist offer's hold carries (`waitlist:<holdId>`): the offer is the fan's admission. */
export const OFFER_SESSION = "waitlist:";

/** Whether a hold is a waitlist offer (or a fan's change of one). */
export const isOffer = (hold: Pick<Hold, "admission">): boolean => hold.admission?.session.startsWith(OFFER_SESSION) === true;

function windowOf(latest: Hold | undefined, now: number, ttlMs: number): { expiresAt: number; graceUsed: boolean } {
  const inWindow = latest && (latest.state === "held" || latest.state === "paying" || latest.state === "released") && latest.expiresAt > now;
  if (!inWindow) return { expiresAt: now + ttlMs, graceUsed: false };
  // A hold that directly replaces a waitlist offer keeps the offer's window (and stays the offer), but a
  // released offer's window (longer than a hold's) does not carry over to an ordinary hold.
  const expiresAt = isOffer(latest) && latest.state !== "held" ? Math.min(latest.expiresAt, now + ttlMs) : latest.expiresAt;
  return { expiresAt, graceUsed: latest.graceUsed };
}

/**
 * A reserve: all the seats or none. A fan's new hold replaces their held
 * one and keeps its expiry; a fan in checkout must finish or cancel first.
 * The per-fan limit counts the new hold, the fan's other live holds and
 * their booked tickets.
 */
export function planReserve(state: RoomState, request: ReserveRequest, now: number, ttlMs: number, history: ReserveHistory): ReservePlan {
  const { catalog } = state;
  const { previous } = history;
  if (previous) {
    if (previous.userId !== request.userId || !sameSeats(previous.seats, request.seats)) {
      return reject(422, "this Idempotency-Key was already used for a different request; use a new key");
    }
    if (isLive(previous, now)) return { kind: "replay", hold: previous };
    return reject(409, "this Idempotency-Key was already used for a hold that has ended; use a new key", previous.state);
  }
  const code = request.code ? findCode(catalog, request.code) : null;
  if (request.code && !code) return reject(404, `the code ${request.code} is not valid for this event`);
  // Before the sale opens, a presale code stands in for the waiting room's admission.
  const presaleOnly = isPresale(code) && catalog.onSaleAt !== null && now < catalog.onSaleAt;
  const closed = saleRule(catalog, now, isPresale(code)) ?? (presaleOnly ? undefined : admissionRule(state, request.admission, now));
  if (closed) return closed;
  const codeClosed = code ? codeRule(code, history.codeUses ?? 0, now) : undefined;
  if (codeClosed) return codeClosed;
  const unknown = request.seats.filter((s) => !Number.isInteger(s) || s < 0 || s >= catalog.ticketCount);
  if (unknown.length > 0) return reject(400, `unknown tickets: ${unknown.map((s) => `${catalog.eventId}.${s}`).join(", ")}`);
  if (new Set(request.seats).size !== request.seats.length) return reject(400, "a ticket is listed twice");

  const open = liveHoldsOf(state, request.userId, now).filter((h) => h.state !== "booking");
  const paying = open.find((h) => h.state === "paying");
  if (paying) return reject(409, `your checkout of hold ${paying.id} is in progress; finish or cancel it first`, paying.state);
  const replaces = open.find((h) => h.state === "held");
  const unavailable = request.seats.filter((s) => !isFree(state, s, now, replaces?.id));
  if (unavailable.length > 0) return { kind: "unavailable", seats: unavailable };
  const overLimit = limitRule(state, request.userId, request.seats.length, now, replaces?.id);
  if (overLimit) return overLimit;

  const window = windowOf(replaces ?? history.latest, now, ttlMs);
  const seats = [...request.seats].sort((a, b) => a - b);
  const charges = chargesFor(state, seats, code);
  const total = charges.reduce((sum, c) => sum + c.totalCents, 0);
  const payable = payableRule(total);
  if (payable) return payable;
  const hold: Hold = {
    id: request.holdId,
    eventId: catalog.eventId,
    userId: request.userId,
    state: "held",
    seats,
    expiresAt: window.expiresAt,
    createdAt: now,
    totalCents: total,
    currency: catalog.currency,
    charges,
    code: holdCode(code),
    paymentIntentId: null,
    bookingId: null,
    graceUsed: window.graceUsed,
    idempotencyKey: request.idempotencyKey,
    // A fan changing the seats of a waitlist offer keeps the offer (its admission and its window).
    admission: replaces && isOffer(replaces) ? replaces.admission : request.admission,
    fenced: false,
  };
  return { kind: "hold", hold, replaces };
}

export type CheckoutPlan = { kind: "paying"; hold: Hold; changed: boolean } | Rejection;

/** Starting checkout moves held → paying and extends the hold once per window by the grace. */
export function planCheckout(state: RoomState, hold: Hold | undefined, userId: string, now: number, graceMs: number): CheckoutPlan {
  if (!hold || hold.userId !== userId) return reject(404, "no such hold");
  if (hold.state === "booked") return reject(409, "this hold is already booked", hold.state);
  if (hold.state === "booking") return reject(409, "this payment is already being completed", hold.state);
  if (!isLive(hold, now)) return reject(409, "this hold has ended; choose your seats again", hold.state === "held" || hold.state === "paying" ? "expired" : hold.state);
  const closed = saleRule(state.catalog, now, isPresale(hold.code));
  if (closed) return closed;
  if (hold.state === "paying") return { kind: "paying", hold, changed: false };
  return {
    kind: "paying",
    hold: { ...hold, state: "paying", expiresAt: hold.graceUsed ? hold.expiresAt : hold.expiresAt + graceMs, graceUsed: true },
    changed: true,
  };
}

export type AttachPlan = { kind: "attached"; hold: Hold; changed: boolean } | Rejection;

/**
 * A paying hold takes its payment intent once. The same intent again is
 * "attached" whatever the hold's state (the caller reads the state, and
 * must not cancel a payment its hold owns); a refusal means the hold does
 * not own this intent.
 */
export function planAttach(hold: Hold | undefined, paymentIntentId: string, now: number): AttachPlan {
  if (!hold) return reject(404, "no such hold");
  if (hold.paymentIntentId === paymentIntentId) return { kind: "attached", hold, changed: false };
  if (hold.state !== "paying" || !isLive(hold, now)) {
    return reject(409, "the hold ended before checkout could start; choose your seats again", hold.state === "paying" ? "expired" : hold.state);
  }
  if (hold.paymentIntentId !== null) return reject(409, "this hold is already paid by another payment", hold.state);
  return { kind: "attached", hold: { ...hold, paymentIntentId }, changed: true };
}

/** How a hold stands for one payment (see `HoldPhase`). */
export function phaseOf(hold: Hold | undefined, paymentIntentId: string, now: number): HoldPhase {
  if (!hold) return "ended";
  // A hold whose payment is not attached yet (checkout is attaching it) is this payment's.
  const mine = hold.paymentIntentId === paymentIntentId || (hold.paymentIntentId === null && (hold.state === "held" || hold.state === "paying"));
  if (!mine) return "ended";
  if (hold.state === "booking") return "booking";
  if (hold.state === "booked") return "booked";
  return isLive(hold, now) ? "open" : "ended";
}

export type ClaimPlan = { kind: "claim"; hold: Hold; rehold: boolean } | Extract<ClaimOutcome, { kind: "refused" }>;
const refuse = (reason: string): ClaimPlan => ({ kind: "refused", reason });

/**
 * A payment was authorized for `hold`: may its seats be claimed for booking?
 * A live hold is claimed; an expired one is held again only if every rule of
 * a reserve still allows it (the sale, the waiting-room session, free seats,
 * the fan's limit). A released, voided or fenced hold never is.
 */
export function planClaim(
  state: RoomState,
  hold: Hold | undefined,
  paymentIntentId: string,
  authorized: { amountCents: number; currency: string },
  now: number,
  codeUses?: (codeId: string) => number,
): ClaimPlan {
  if (!hold) return refuse("unknown hold");
  if (hold.paymentIntentId !== null && hold.paymentIntentId !== paymentIntentId) return refuse("the hold is paid by another payment");
  if (hold.fenced) return refuse("the hold's booking window passed and the room let its seats go");
  if (hold.state === "booking") return { kind: "claim", hold, rehold: false };
  if (hold.state !== "held" && hold.state !== "paying" && hold.state !== "expired") return refuse(`the hold is ${hold.state}`);
  if (authorized.amountCents < hold.totalCents || authorized.currency !== hold.currency) return refuse("the authorized amount does not cover the hold");
  const closed = saleRule(state.catalog, now, isPresale(hold.code));
  if (closed) return refuse(closed.detail);
  const claimed: Hold = { ...hold, state: "booking", paymentIntentId, expiresAt: now + BOOKING_WINDOW_MS };
  const live = isLive(hold, now);
  if (!live) {
    const session = admissionRule(state, hold.admission, now);
    if (session) return refuse(session.detail);
    if (!hold.seats.every((s) => isFree(state, s, now, hold.id))) return refuse("the hold expired and its seats were taken");
    // A lapsed hold gave its code's use back: it is held again only if the code may still be used (its window, a use left).
    if (hold.code) {
      const code = state.catalog.codes?.find((c) => c.id === hold.code?.id);
      const closedCode = code ? codeRule(code, codeUses?.(code.id) ?? 0, now) : undefined;
      if (!code || closedCode) return refuse(`the hold expired and its code may no longer be used${closedCode ? `: ${closedCode.detail}` : ""}`);
    }
  }
  // Checked for a live hold too: whatever let the fan hold more since, the limit is kept at the moment of sale.
  if (limitRule(state, hold.userId, hold.seats.length, now, hold.id)) return refuse("the fan's ticket limit is reached");
  return { kind: "claim", hold: claimed, rehold: !live };
}

/** Active holds whose expiry has passed. */
export function dueHolds(state: RoomState, now: number): Hold[] {
  return [...state.holds.values()].filter((h) => h.expiresAt <= now);
}

/**
 * The next expiry the alarm must wake for. A claim already past its window
 * is left out: its payment is in `payments_due`, retried with backoff, and
 * waking for it again at once would spin the alarm.
 */
export function nextExpiry(state: RoomState, now: number): number | undefined {
  let earliest: number | undefined;
  for (const hold of state.holds.values()) {
    if (hold.state === "booking" && hold.expiresAt <= now) continue;
    if (earliest === undefined || hold.expiresAt < earliest) earliest = hold.expiresAt;
  }
  return earliest;
}

/** The public view of a hold; with `now`, a held or paying hold past its expiry reads as expired. */
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
    charges: hold.charges,
    code: hold.code,
    paymentIntentId: hold.paymentIntentId,
    bookingId: hold.bookingId,
  };
}
