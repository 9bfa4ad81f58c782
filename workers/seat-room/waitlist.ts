/**
 * The waitlist of a sold-out event, as plain rules over the room's state:
 * who may join, and which waiting fans get which returned seats. The room's
 * steps (`waitlist-steps.ts`) carry the decisions out; the entries and the
 * offers' mail to write are stored by `waitlist-book.ts`.
 *
 * An entry's life: waiting → offered → booked, or offered → expired (the
 * offered hold lapsed or was released: the seats go to the next fan), or
 * waiting | offered → left. Ended entries (expired, booked, left) stay ended;
 * joining again puts the fan at the back.
 *
 * Invariants:
 * - seats that come back (a hold ends, a booking is voided or refunded, a
 *   block is lifted) go first to the waiting fans they fit, in join order,
 *   and reach the public only when no waiting fan fits them;
 * - a fan fits when at least their quantity of seats is free in their
 *   section (anywhere without one), they hold no other seats in a held or
 *   paying hold, and the offer keeps them within the per-fan limit;
 * - a fan joins only while holding no seats of the event (no held or paying
 *   hold), so seats a fan gives up or lets lapse never come back to that
 *   fan as an offer in a fresh window: the waitlist stretches no hold;
 * - an offer is an ordinary `held` hold in the fan's name (so checkout and
 *   payment are the booking path's), made in the same synchronous step as
 *   the return, so no one sees the seats free in between; it carries a
 *   waiting-room admission of its own.
 */
import type { SectionRange, WaitlistJoin, WaitlistState, WaitlistView, Rejection } from "../../src/shared/room-protocol";
import { chargesFor } from "./prices";
import { isFree, liveHoldsOf, OFFER_SESSION, saleRule, ticketsOf, type Hold, type RoomState } from "./rules";

export const WAITLIST_SCHEMA = `
CREATE TABLE IF NOT EXISTS waitlist (
  user_id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, quantity INTEGER NOT NULL,
  section TEXT, section_first INTEGER, section_count INTEGER,
  state TEXT NOT NULL, hold_id TEXT, offered_at INTEGER, expires_at INTEGER, seats TEXT,
  joined_at INTEGER NOT NULL, ended_at INTEGER
);
CREATE INDEX IF NOT EXISTS waitlist_order ON waitlist (state, seq);
CREATE INDEX IF NOT EXISTS waitlist_hold ON waitlist (hold_id) WHERE hold_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS waitlist_notices (
  hold_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, due_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0
);`;

export interface WaitlistEntry {
  userId: string;
  /** Join order: higher joined later. */
  seq: number;
  quantity: number;
  section: SectionRange | null;
  state: WaitlistState;
  /** The offered hold, its seats and first expiry (kept after the offer ends). */
  holdId: string | null;
  seats: number[] | null;
  offeredAt: number | null;
  expiresAt: number | null;
  joinedAt: number;
}


/** An entry still in line or holding an offer. */
export const isActive = (entry: WaitlistEntry | undefined): entry is WaitlistEntry => entry?.state === "waiting" || entry?.state === "offered";

const reject = (status: Rejection["status"], detail: string): Rejection => ({ kind: "rejected", status, detail });
const where = (section: SectionRange | null) => (section ? ` in ${section.name}` : "");

/** Seats free to anyone now (unsold, unblocked, in no live hold), in seat order; within `section` when given. */
export function freeSeats(state: RoomState, now: number, section: SectionRange | null = null): number[] {
  const first = section ? section.first : 0;
  const end = Math.min(state.catalog.ticketCount, section ? section.first + section.count : state.catalog.ticketCount);
  const out: number[] = [];
  for (let seat = first; seat < end; seat++) if (isFree(state, seat, now)) out.push(seat);
  return out;
}

export type JoinPlan = { kind: "join" | "already"; entry: WaitlistEntry } | Rejection;

/**
 * A fan asks to wait for `quantity` seats (of a section, or anywhere): only
 * while the sale is on and fewer seats than that are free there (a sold-out
 * event or section, or too few left), within the per-fan limit counting
 * what they booked, never more than the section (or event) has, and not
 * while they hold seats of the event. A fan has one entry: asking again for
 * the same thing is the same entry; for something else, a 409 (leave first).
 */
export function planJoin(state: RoomState, current: WaitlistEntry | undefined, request: WaitlistJoin, seq: number, now: number): JoinPlan {
  const { catalog } = state;
  const closed = saleRule(catalog, now);
  if (closed) return closed;
  const { quantity, section } = request;
  if (section && (section.first < 0 || section.count < 1 || section.first + section.count > catalog.ticketCount)) {
    return reject(400, `section: no section ${section.name} in this event`);
  }
  if (isActive(current)) {
    if (current.quantity === quantity && (current.section?.name ?? null) === (section?.name ?? null)) return { kind: "already", entry: current };
    return reject(409, `you are already on this waitlist for ${current.quantity} tickets${where(current.section)}; leave it first to ask for something else`);
  }
  const seats = section ? section.count : catalog.ticketCount;
  if (quantity > seats) return reject(400, `quantity: ${section ? `section ${section.name}` : "this event"} has ${seats === 1 ? "1 ticket" : `${seats} tickets`}; ask for at most that many`);
  // A fan holding seats would be offered them back, in a fresh window, the moment they gave them up or let them lapse:
  // joining while holding would stretch a hold past its time to live (see rules.ts). Pay or give them back first.
  const holding = liveHoldsOf(state, request.userId, now).find((h) => h.state === "held" || h.state === "paying");
  if (holding) {
    return reject(409, `you hold tickets of this event (hold ${holding.id}); pay for them or give them back before you join the waitlist`);
  }
  const booked = state.soldByUser.get(request.userId) ?? 0;
  if (booked + quantity > catalog.perUserLimit) {
    return reject(400, `quantity: at most ${catalog.perUserLimit} tickets per fan for this event${booked ? `; you have booked ${booked} already` : ""}`);
  }
  const free = freeSeats(state, now, section).length;
  if (free >= quantity) {
    return reject(409, `${free === 1 ? "1 ticket is" : `${free} tickets are`} still on sale${where(section)}: choose seats instead of waiting`);
  }
  return { kind: "join", entry: waitingEntry(request.userId, seq, quantity, section, now) };
}

/** A new entry, in line. */
export function waitingEntry(userId: string, seq: number, quantity: number, section: SectionRange | null, joinedAt: number): WaitlistEntry {
  return { userId, seq, quantity, section, state: "waiting", holdId: null, seats: null, offeredAt: null, expiresAt: null, joinedAt };
}

export interface OfferPlan {
  entry: WaitlistEntry;
  seats: number[];
}

/** Whether a waiting fan may be offered `quantity` seats now: no other open hold of theirs, and within the limit. */
function mayBeOffered(state: RoomState, entry: WaitlistEntry, now: number): boolean {
  if (liveHoldsOf(state, entry.userId, now).some((h) => h.state === "held" || h.state === "paying")) return false;
  return ticketsOf(state, entry.userId, now) + entry.quantity <= state.catalog.perUserLimit;
}

/** The first index of `sorted` whose value is at least `value`. */
function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `quantity` of the free seats not yet taken by an earlier offer, within the
 * section: side by side when the section has such a run (consecutive
 * indexes are neighbours in a row or a standing area), else the first ones.
 */
export function pickSeats(free: number[], taken: ReadonlySet<number>, section: SectionRange | null, quantity: number): number[] | undefined {
  const end = section ? section.first + section.count : Number.POSITIVE_INFINITY;
  const open: number[] = [];
  for (let i = lowerBound(free, section ? section.first : 0); i < free.length; i++) {
    const seat = free[i] ?? end;
    if (seat >= end) break;
    if (!taken.has(seat)) open.push(seat);
  }
  if (open.length < quantity) return undefined;
  for (let i = 0; i + quantity <= open.length; i++) {
    if ((open[i + quantity - 1] ?? 0) - (open[i] ?? 0) === quantity - 1) return open.slice(i, i + quantity);
  }
  return open.slice(0, quantity);
}

/**
 * Which waiting fans get which free seats now: each fan in join order who
 * fits, never two fans one seat. A fan who does not fit keeps their place
 * (a fan waiting for 4 does not hold up one waiting for 1). Nothing is
 * offered outside the sale.
 */
export function planOffers(state: RoomState, waiting: Iterable<WaitlistEntry>, now: number): OfferPlan[] {
  if (saleRule(state.catalog, now)) return [];
  const free = freeSeats(state, now);
  const taken = new Set<number>();
  const plans: OfferPlan[] = [];
  for (const entry of waiting) {
    if (taken.size >= free.length) break;
    if (entry.state !== "waiting" || !mayBeOffered(state, entry, now)) continue;
    const seats = pickSeats(free, taken, entry.section, entry.quantity);
    if (!seats) continue;
    for (const seat of seats) taken.add(seat);
    plans.push({ entry, seats });
  }
  return plans;
}

/** The hold an offer is: held in the fan's name until `now + offerMs`, with a waiting-room admission of its own. */
export function offerHold(state: RoomState, plan: OfferPlan, holdId: string, now: number, offerMs: number): Hold {
  const expiresAt = now + offerMs;
  const charges = chargesFor(state, plan.seats, null);
  return {
    id: holdId,
    eventId: state.catalog.eventId,
    userId: plan.entry.userId,
    state: "held",
    seats: plan.seats,
    expiresAt,
    createdAt: now,
    totalCents: charges.reduce((sum, c) => sum + c.totalCents, 0),
    currency: state.catalog.currency,
    charges,
    code: null,
    paymentIntentId: null,
    bookingId: null,
    graceUsed: false,
    idempotencyKey: null,
    admission: { session: `${OFFER_SESSION}${holdId}`, until: expiresAt },
    fenced: false,
  };
}

/**
 * The entry as the fan sees it. An offer whose hold has lapsed reads as
 * expired even before the room has ended it; its live expiry (extended once
 * by checkout) is the hold's.
 */
export function entryView(entry: WaitlistEntry, hold: Hold | undefined, position: number | null, now: number, eventOver = false): WaitlistView {
  const lapsed = entry.state === "offered" && (!hold || ((hold.state === "held" || hold.state === "paying") && hold.expiresAt <= now));
  // Cancelled or started: nothing will ever be offered; the fan is not kept waiting in a line that no longer moves.
  if (eventOver && entry.state === "waiting") {
    return { state: "closed", quantity: entry.quantity, section: entry.section?.name ?? null, joinedAt: entry.joinedAt, position: null, offer: null };
  }
  const offer = entry.holdId && entry.seats ? { holdId: entry.holdId, seats: entry.seats, expiresAt: hold?.expiresAt ?? entry.expiresAt ?? now } : null;
  return {
    state: lapsed ? "expired" : entry.state,
    quantity: entry.quantity,
    section: entry.section?.name ?? null,
    joinedAt: entry.joinedAt,
    position: entry.state === "waiting" ? position : null,
    offer,
  };
}
