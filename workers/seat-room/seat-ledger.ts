/**
 * The seat changes of one SeatRoom, applied to its SQLite and its memory
 * together: holds ending, seats sold and given back, the change log and the
 * live seat map. The room decides (with `rules.ts`); the ledger carries the
 * decision out, storage first (in one transaction) and memory second, so an
 * eviction at any point leaves the storage a consistent truth to rebuild from.
 *
 * Invariants it keeps: a seat is in the room's `sold` only with the booking
 * Postgres has for it; a hold that ends with a payment attached leaves a row
 * in `payments_due`, so the alarm settles that payment; seats that become
 * available go to the waitlist's fans first, before the step ends
 * (`offerReturns`, see `waitlist.ts`).
 */
import { log } from "../../src/shared/log";
import type { HoldState, RoomInspection, SeatStatus, SoldBooking } from "../../src/shared/room-protocol";
import { addBlock, releaseBlockRow, removeBlock, writeBlock, type Block } from "./blocks";
import type { LiveSeatMap } from "./live-map";
import { addHold, dueHolds, expandPrices, isLive, isOffer, removeHold, type Catalog, type Hold, type RoomState } from "./rules";
import * as store from "./storage";
import type { SeatFigures } from "./ops-figures";
import { WaitlistBook } from "./waitlist-book";
import { offerReturned } from "./waitlist-steps";

/** How a hold ends, for the figures: these ran out of time (or lost their claim); every other end is a release. */
const EXPIRED_KINDS: ReadonlySet<string> = new Set(["expired", "displaced", "abandoned"]);

export type EndState = Exclude<HoldState, "held" | "paying" | "booking" | "booked">;

export class SeatLedger {
  /** A change ended a hold that has a payment: the alarm should run now to settle it. */
  paymentsScheduled = false;
  /** The seq of the last change to each seat's sold status, so a reconciliation skips seats that moved while it read Postgres. */
  private readonly soldChanged = new Map<number, number>();
  /** The event's waitlist (waitlist.ts): who waits for returned seats, and the offers made to them. */
  readonly waitlist: WaitlistBook;
  /** A change of the current step made seats available: the waitlist gets them first when the step ends (`offerReturns`). */
  private returned = false;
  /** The room's live operating figures (ops-figures.ts), counted as the changes are carried out. */
  figures: SeatFigures | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    readonly state: RoomState,
    readonly live: LiveSeatMap,
  ) {
    this.waitlist = new WaitlistBook(storage.sql);
  }

  get sql(): SqlStorage {
    return this.storage.sql;
  }

  /** A hold, active (in memory) or ended (in storage). */
  find(holdId: string): Hold | undefined {
    return this.state.holds.get(holdId) ?? store.findHold(this.sql, this.state.catalog.eventId, holdId);
  }

  /** Stores a seat change in the log, applies it to the live seat map and queues it for watchers; returns its seq. */
  record(change: { at: number; holdId: string | null; kind: string; status: SeatStatus; seats: number[] }): number {
    const seq = store.appendEvent(this.sql, change);
    if (change.status === "available") this.returned = true;
    if (change.status === "held") this.figures?.count("seatsHeld", change.at, change.seats.length);
    if (change.status === "available") this.figures?.count("seatsFreed", change.at, change.seats.length);
    this.live.apply({ seq, status: change.status, seats: change.seats });
    return seq;
  }

  /**
   * The end of every step that may return seats: the waiting fans they fit
   * get them first (`waitlist-steps.ts`), in the same synchronous step, so
   * nothing in between sees them free and watchers see them go straight to
   * held (the feed coalesces the step's changes into one delta).
   */
  offerReturns(now: number): void {
    if (this.takeReturned()) offerReturned(this, now);
  }

  /** Whether seats became available since last asked. */
  takeReturned(): boolean {
    const returned = this.returned;
    this.returned = false;
    return returned;
  }

  /** Runs a step's writes as one storage transaction (for the steps kept beside their rules: the waitlist's). */
  transact<T>(writes: () => T): T {
    return this.storage.transactionSync(writes);
  }

  /** A new hold: the one it replaces and stale holders of its seats end, its seats are held. */
  place(hold: Hold, replaces: Hold | undefined, session: string | null, now: number): void {
    this.storage.transactionSync(() => {
      if (replaces) this.endHold(replaces, "released", "replaced", now);
      this.clearStaleHolders(hold.seats, now);
      store.writeHold(this.sql, hold);
      this.record({ at: now, holdId: hold.id, kind: "held", status: "held", seats: hold.seats });
      if (session) store.noteSession(this.sql, hold.userId, session);
    });
    addHold(this.state, hold);
    this.offerReturns(now);
  }

  /** Seats taken off sale: expired holders of them end, the seats show blocked. */
  block(block: Block, now: number): void {
    this.storage.transactionSync(() => {
      this.clearStaleHolders(block.seats, now);
      writeBlock(this.sql, block);
      this.record({ at: now, holdId: null, kind: "blocked", status: "blocked", seats: block.seats });
    });
    addBlock(this.state, block);
    this.offerReturns(now);
  }

  /** A block released: its seats (those it still has) are on sale at once; returns them. */
  unblock(block: Block, now: number): number[] {
    const seats = block.seats.filter((s) => this.state.seatBlock.get(s) === block.id);
    this.storage.transactionSync(() => {
      releaseBlockRow(this.sql, block.id, now);
      if (seats.length > 0) this.record({ at: now, holdId: null, kind: "unblocked", status: "available", seats });
    });
    removeBlock(this.state, block);
    this.offerReturns(now);
    return seats;
  }

  /** A hold changed in place (checkout started, its payment attached). */
  update(hold: Hold): void {
    store.writeHold(this.sql, hold);
    addHold(this.state, hold);
  }

  /** A hold's seats claimed for booking (held again first for an expired hold); the alarm settles it if its booking never arrives. */
  claim(hold: Hold, rehold: boolean, now: number): void {
    const paymentIntentId = hold.paymentIntentId ?? "";
    this.storage.transactionSync(() => {
      if (rehold) {
        this.clearStaleHolders(hold.seats, now);
        this.record({ at: now, holdId: hold.id, kind: "reheld", status: "held", seats: hold.seats });
      }
      store.writeHold(this.sql, hold);
      store.schedulePayment(this.sql, paymentIntentId, hold.id, hold.expiresAt);
    });
    addHold(this.state, hold);
    this.offerReturns(now);
  }

  /** A claim the Postgres fence ended: its seats are free and it can never be booked. */
  abandon(hold: Hold, now: number): void {
    this.storage.transactionSync(() => {
      if (this.state.holds.has(hold.id)) this.endHold({ ...hold, fenced: true }, "expired", "abandoned", now);
      else store.writeHold(this.sql, { ...hold, fenced: true });
    });
    this.offerReturns(now);
  }

  /**
   * The organizer changed the event: holds on seats it no longer has end,
   * and every open hold of a cancelled event ends (its payment is then
   * cancelled by the alarm). Claims being booked are the lifecycle's.
   */
  /** Applies the event's catalog as Postgres now has it; one older than the catalog the room has (a read overtaken by a later change) is ignored. */
  changeCatalog(catalog: Catalog, now: number): void {
    const { state } = this;
    if (catalog.version !== undefined && state.catalog.version !== undefined && catalog.version < state.catalog.version) return;
    const resized = catalog.ticketCount !== state.catalog.ticketCount;
    this.storage.transactionSync(() => {
      store.writeCatalog(this.sql, catalog);
      // Logged, so a watcher resuming from before it gets the new map, not deltas on the old one.
      if (resized) this.record({ at: now, holdId: null, kind: store.RESIZED, status: "available", seats: [] });
      for (const hold of [...state.holds.values()]) {
        if (hold.state === "booking") continue;
        if (catalog.cancelled) this.endHold(hold, "released", "event_cancelled", now);
        else if (hold.seats.some((s) => s >= catalog.ticketCount)) this.endHold(hold, "released", "venue_changed", now);
      }
    });
    state.catalog = catalog;
    state.prices = expandPrices(catalog);
    this.live.resize(catalog.ticketCount);
    this.offerReturns(now);
  }

  /**
   * Ends a hold and logs the seats it frees. A hold with a payment that
   * lapses or is released gets its payment settled by the alarm (cancelled,
   * or booked if it was authorized in time). Call inside a transaction.
   */
  endHold(hold: Hold, to: EndState, kind: string, now: number): void {
    const { state } = this;
    store.writeHold(this.sql, { ...hold, state: to });
    if (hold.paymentIntentId && kind !== "payment_cancelled") {
      store.schedulePayment(this.sql, hold.paymentIntentId, hold.id, now);
      this.paymentsScheduled = true;
    }
    const freed = hold.seats.filter((s) => !state.sold.has(s) && state.seatHold.get(s) === hold.id);
    if (freed.length > 0) this.record({ at: now, holdId: hold.id, kind, status: "available", seats: freed });
    removeHold(state, hold);
    this.waitlist.holdEnded(hold.id, now);
    this.figures?.count(EXPIRED_KINDS.has(kind) ? "holdsExpired" : "holdsReleased", now);
    log("info", "hold_ended", { eventId: state.catalog.eventId, holdId: hold.id, userId: hold.userId, state: to, kind, seats: freed.length, paymentIntentId: hold.paymentIntentId });
    if (kind === "payment_cancelled") this.figures?.count("paymentsCancelled", now);
  }

  /** Ends the expired holds that still claim any of `seats`. Call inside a transaction. */
  clearStaleHolders(seats: number[], now: number): void {
    for (const seat of seats) {
      const holder = this.state.seatHold.get(seat);
      const stale = holder ? this.state.holds.get(holder) : undefined;
      if (stale && !isLive(stale, now)) this.endHold(stale, "expired", "expired", now);
    }
  }

  /** Ends the held and paying holds past their expiry (claims being booked are the alarm's); returns how many. */
  sweep(now: number): number {
    const due = dueHolds(this.state, now).filter((h) => h.state !== "booking");
    if (due.length === 0) return 0;
    this.storage.transactionSync(() => {
      for (const hold of due) this.endHold(hold, "expired", "expired", now);
    });
    log("info", "holds_expired", { eventId: this.state.catalog.eventId, holds: due.length });
    this.offerReturns(now);
    return due.length;
  }

  /**
   * Marks a booking's seats sold, ending any hold on them; true if anything
   * changed. A booking whose hold ended with it voided is never sold again
   * (a stalled step arriving late); the lifecycle never takes a seat sold to
   * another booking (the reconciler, reading Postgres, may).
   */
  sell(holdId: string, booking: SoldBooking, kind: "booked" | "reconcile_sold", now: number): boolean {
    const { state } = this;
    const hold = this.find(holdId);
    if (hold && (hold.state === "cancelled" || hold.state === "refunded")) {
      log("warn", "stale_sale_ignored", { eventId: state.catalog.eventId, holdId, bookingId: booking.id, holdState: hold.state });
      return false;
    }
    const soldElsewhere = (s: number) => kind === "booked" && state.sold.has(s) && state.sold.get(s)?.bookingId !== booking.id;
    const taken = booking.seats.filter(soldElsewhere);
    if (taken.length > 0) log("error", "sold_conflict", { eventId: state.catalog.eventId, holdId, bookingId: booking.id, seats: taken.length });
    const seats = booking.seats.filter((s) => s < state.catalog.ticketCount && state.sold.get(s)?.bookingId !== booking.id && !soldElsewhere(s));
    const holdChanged = hold !== undefined && hold.state !== "booked" && hold.userId === booking.userId;
    if (seats.length === 0 && !holdChanged) return false;
    let seq = 0;
    this.storage.transactionSync(() => {
      // Any other hold on these seats loses them: the booking is the truth.
      this.unblockSold(seats);
      for (const seat of seats) {
        const holder = state.seatHold.get(seat);
        const other = holder && holder !== holdId ? state.holds.get(holder) : undefined;
        if (other) this.endHold(other, "expired", "displaced", now);
        const previous = state.sold.get(seat);
        if (previous) this.uncount(previous.userId);
      }
      store.writeSold(this.sql, seats.map((seat) => ({ seat, bookingId: booking.id, userId: booking.userId })));
      if (hold && holdChanged) {
        store.writeHold(this.sql, { ...hold, state: "booked", bookingId: booking.id });
        this.waitlist.holdBooked(hold.id, now);
        if (kind === "booked") this.countBooked(hold, now);
      }
      if (seats.length > 0) seq = this.record({ at: now, holdId, kind, status: "sold", seats });
    });
    for (const seat of seats) {
      state.sold.set(seat, { bookingId: booking.id, userId: booking.userId });
      this.soldChanged.set(seat, seq);
    }
    if (seats.length > 0) state.soldByUser.set(booking.userId, (state.soldByUser.get(booking.userId) ?? 0) + seats.length);
    if (hold && state.holds.has(hold.id)) removeHold(state, hold);
    log("info", kind === "booked" ? "seats_sold" : "reconcile_repair", { eventId: state.catalog.eventId, holdId, bookingId: booking.id, seats: seats.length, kind });
    this.offerReturns(now);
    return true;
  }

  private countBooked(hold: Hold, now: number): void {
    this.figures?.count("holdsBooked", now);
    this.figures?.count("seatsSold", now, hold.seats.length);
    this.figures?.paid(now - hold.createdAt);
  }

  /** A voided booking's seats go back on sale, and its hold (booked, or still claimed for booking) ends with it. */
  giveBack(holdId: string, bookingId: string, holdState: "cancelled" | "refunded", now: number): void {
    const seats = [...this.state.sold].filter(([, s]) => s.bookingId === bookingId).map(([seat]) => seat);
    const claimed = this.state.holds.get(holdId);
    this.storage.transactionSync(() => {
      store.endHoldOfBooking(this.sql, bookingId, holdState);
      if (claimed?.state === "booking") this.endHold({ ...claimed, bookingId }, holdState, holdState, now);
    });
    if (seats.length > 0) this.free(seats, holdState, now);
    this.offerReturns(now);
  }

  /**
   * Refunded seats of a booking leave it: on sale again, or kept back in
   * `keep` (a block) when the organizer does not restock them. One
   * transaction, so no one sees them free in between.
   */
  refund(seats: number[], keep: Block | null, now: number): void {
    const { state } = this;
    let seq = 0;
    this.storage.transactionSync(() => {
      store.deleteSold(this.sql, seats);
      if (keep) writeBlock(this.sql, keep);
      seq = this.record({ at: now, holdId: null, kind: "refunded", status: keep ? "blocked" : "available", seats });
    });
    for (const seat of seats) {
      const sold = state.sold.get(seat);
      if (sold) this.uncount(sold.userId);
      state.sold.delete(seat);
      this.soldChanged.set(seat, seq);
    }
    if (keep) addBlock(state, keep);
    log("info", "seats_refunded", { eventId: state.catalog.eventId, seats: seats.length, restocked: keep === null });
    this.offerReturns(now);
  }

  /** Seats sold no more (their booking was voided, or Postgres has no booking for them). */
  free(seats: number[], kind: string, now: number): void {
    const { state } = this;
    let seq = 0;
    this.storage.transactionSync(() => {
      store.deleteSold(this.sql, seats);
      seq = this.record({ at: now, holdId: null, kind, status: "available", seats });
    });
    for (const seat of seats) {
      const sold = state.sold.get(seat);
      if (sold) this.uncount(sold.userId);
      state.sold.delete(seat);
      this.soldChanged.set(seat, seq);
    }
    const repair = kind === "reconcile_freed";
    log(repair ? "warn" : "info", repair ? "reconcile_repair" : "seats_returned", { eventId: state.catalog.eventId, seats: seats.length, kind });
    this.offerReturns(now);
  }

  /** What the invariant checker reads of the room. */
  inspect(now: number, maxHoldMs: number, maxOfferMs = maxHoldMs): RoomInspection {
    const { state } = this;
    return {
      eventId: state.catalog.eventId,
      now,
      perUserLimit: state.catalog.perUserLimit,
      maxHoldMs,
      maxOfferMs,
      activeHolds: [...state.holds.values()].map((h) => ({
        id: h.id,
        userId: h.userId,
        state: h.state,
        seats: h.seats,
        createdAt: h.createdAt,
        expiresAt: h.expiresAt,
        live: isLive(h, now),
        paymentIntentId: h.paymentIntentId,
        offer: isOffer(h),
      })),
      payments: store
        .holdsWithPayments(this.sql, state.catalog.eventId)
        .map((h) => ({ paymentIntentId: h.paymentIntentId ?? "", holdId: h.id, userId: h.userId, state: h.state })),
      paymentsDue: store.allPaymentsDue(this.sql),
      sold: [...state.sold].map(([seat, s]) => ({ seat, bookingId: s.bookingId, userId: s.userId })),
    };
  }

  /** Whether the seat's sold status changed after `seq`. */
  changedSince(seat: number, seq: number): boolean {
    return (this.soldChanged.get(seat) ?? 0) > seq;
  }

  /** Seats Postgres says are sold leave any block (a block never takes a sold seat; a reconciliation may find one). Call inside a transaction. */
  private unblockSold(seats: number[]): void {
    const { state } = this;
    for (const seat of seats) {
      const blockId = state.seatBlock.get(seat);
      const block = blockId ? state.blocks.get(blockId) : undefined;
      if (!block) continue;
      const kept = { ...block, seats: block.seats.filter((s) => s !== seat) };
      writeBlock(this.sql, kept);
      state.blocks.set(block.id, kept);
      state.seatBlock.delete(seat);
      log("warn", "block_lost_sold_seat", { eventId: state.catalog.eventId, blockId: block.id, seat });
    }
  }

  private uncount(userId: string): void {
    const left = (this.state.soldByUser.get(userId) ?? 0) - 1;
    if (left > 0) this.state.soldByUser.set(userId, left);
    else this.state.soldByUser.delete(userId);
  }
}
