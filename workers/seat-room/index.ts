/**
 * SeatRoom: one Durable Object per event (`SEAT_ROOM.getByName(eventId)`),
 * the only writer of hold state for its event. It serializes every reserve,
 * checkout and booking step of the event; the API validates and shapes, the
 * room decides (with the plain rules in `rules.ts`).
 *
 * Invariant: a ticket is in at most one live hold or one booking.
 *
 * Persist first, memory second: every change is written to the room's SQLite
 * in one synchronous step (atomic in a Durable Object), then applied to the
 * in-memory state, which is rebuilt from SQLite after an eviction. Expiry is
 * exact: a hold past `expiresAt` is free on every read and write; the one
 * alarm, armed for the earliest expiry, only cleans up and re-arms, and is
 * idempotent (alarms are at-least-once and may be early or late).
 *
 * The only awaits inside a step are the start-up read from Postgres (shared
 * by concurrent callers through one promise) and alarm scheduling after the
 * step is stored, so no check is ever separated from its write by I/O.
 */
import { DurableObject } from "cloudflare:workers";
import type { HoldRecord, ReserveOutcome } from "../../src/shared/booking";
import { newHoldId } from "../../src/shared/ids";
import { log } from "../../src/shared/log";
import type { Env } from "../api/env";
import { fetchBookingsOfHolds, fetchCatalog } from "./catalog-source";
import {
  holdRecord as record,
  addHold,
  availability,
  dueHolds,
  earliestExpiry,
  expandPrices,
  isLive,
  planBooking,
  planPayment,
  planReserve,
  removeHold,
  type Availability,
  type BookingPlan,
  type Hold,
  type Rejection,
  type RoomState,
} from "./rules";
import type { LiveSeatMap } from "./live-map";
import { loadRoom } from "./load";
import * as store from "./storage";

const DEFAULT_TTL_SECONDS = 600;
const DEFAULT_GRACE_SECONDS = 120;

const LOG_KEPT = 20_000;

export type PaymentStart = { kind: "paying"; hold: HoldRecord } | Rejection;
export type ReleaseOutcome = { kind: "released"; paymentIntentId: string | null } | { kind: "ended" } | Rejection;

export class SeatRoom extends DurableObject<Env> {
  /** The room's clock. Tests move it forward to cross expiries without waiting. */
  now: () => number = () => Date.now();
  private state: RoomState | undefined;
  private loading: Promise<RoomState | undefined> | undefined;
  private alarmAt: number | null | undefined;
  private live: LiveSeatMap | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => store.migrate(ctx.storage.sql));
  }

  /** Holds the seats for the fan, all or none. */
  async reserve(request: { eventId: string; userId: string; seats: number[]; idempotencyKey: string | null; admission: string | null }): Promise<ReserveOutcome> {
    const state = await this.room(request.eventId);
    if (!state) return { kind: "rejected", status: 400, detail: `unknown tickets: no event ${request.eventId}` };
    const sql = this.ctx.storage.sql;
    const now = this.now();
    const previous = request.idempotencyKey
      ? store.findHoldByKey(sql, request.eventId, request.userId, request.idempotencyKey)
      : undefined;
    const plan = planReserve(
      state,
      {
        holdId: newHoldId(request.eventId),
        userId: request.userId,
        seats: request.seats,
        idempotencyKey: request.idempotencyKey,
        admission: request.admission,
      },
      now,
      this.ttlMs(),
      previous,
    );
    if (plan.kind === "replay") return { kind: "held", hold: record(plan.hold) };
    if (plan.kind !== "hold") return plan;
    this.ctx.storage.transactionSync(() => {
      if (plan.replaces) this.endHold(state, plan.replaces, "released", "replaced", now);
      this.clearStaleHolders(state, plan.hold.seats, now);
      store.writeHold(sql, plan.hold);
      this.recordChange({ at: now, holdId: plan.hold.id, kind: "held", status: "held", seats: plan.hold.seats });
      if (request.admission) store.noteSession(sql, request.userId, request.admission);
    });
    addHold(state, plan.hold);
    log("info", "hold_created", { eventId: request.eventId, holdId: plan.hold.id, userId: request.userId, seats: plan.hold.seats.length });
    await this.armAlarm(plan.hold.expiresAt);
    return { kind: "held", hold: record(plan.hold) };
  }

  /** The fan's own hold, with its effective state (expired once past its expiry). */
  async getHold(eventId: string, holdId: string, userId: string): Promise<HoldRecord | null> {
    const state = await this.room(eventId);
    if (!state) return null;
    const hold = state.holds.get(holdId) ?? store.findHold(this.ctx.storage.sql, eventId, holdId);
    if (!hold || hold.userId !== userId) return null;
    return record(hold, this.now());
  }

  /** The fan gives the seats back; they are free at once. */
  async release(eventId: string, holdId: string, userId: string): Promise<ReleaseOutcome> {
    const state = await this.room(eventId);
    const hold = state ? state.holds.get(holdId) ?? store.findHold(this.ctx.storage.sql, eventId, holdId) : undefined;
    if (!state || !hold || hold.userId !== userId) return { kind: "rejected", status: 404, detail: "no such hold" };
    const now = this.now();
    if (!isLive(hold, now)) return { kind: "ended" };
    if (hold.state === "booking") return { kind: "rejected", status: 409, detail: "this payment is already being completed" };
    this.ctx.storage.transactionSync(() => this.endHold(state, hold, "released", "released", now));
    log("info", "hold_released", { eventId, holdId, userId });
    await this.freeQueueSlot(state, userId);
    return { kind: "released", paymentIntentId: hold.paymentIntentId };
  }

  /** Checkout starts: held → paying, extended once by the grace. */
  async startPayment(eventId: string, holdId: string, userId: string): Promise<PaymentStart> {
    const state = await this.room(eventId);
    if (!state) return { kind: "rejected", status: 404, detail: "no such hold" };
    const hold = state.holds.get(holdId) ?? store.findHold(this.ctx.storage.sql, eventId, holdId);
    const plan = planPayment(hold, userId, this.now(), this.graceMs());
    if (plan.kind !== "paying") return plan;
    if (plan.changed) {
      store.writeHold(this.ctx.storage.sql, plan.hold);
      addHold(state, plan.hold);
      await this.armAlarm(plan.hold.expiresAt);
    }
    return { kind: "paying", hold: record(plan.hold) };
  }

  /** Records the payment intent of a paying hold; false if the hold is no longer paying. */
  async attachPaymentIntent(eventId: string, holdId: string, paymentIntentId: string): Promise<boolean> {
    const state = await this.room(eventId);
    const hold = state?.holds.get(holdId);
    if (!state || !hold || hold.state !== "paying" || !isLive(hold, this.now())) return false;
    if (hold.paymentIntentId === paymentIntentId) return true;
    if (hold.paymentIntentId !== null) return false;
    const updated = { ...hold, paymentIntentId };
    store.writeHold(this.ctx.storage.sql, updated);
    addHold(state, updated);
    return true;
  }

  /**
   * A payment for the hold was authorized: decide whether it becomes a
   * booking. On "book" the hold is in state booking (seats held again if it
   * had expired and they were free) until `completeBooking` or
   * `abandonBooking`.
   */
  async beginBooking(eventId: string, holdId: string, paymentIntentId: string): Promise<BookingPlan> {
    const state = await this.room(eventId);
    if (!state) return { kind: "cancel", reason: "unknown event" };
    const sql = this.ctx.storage.sql;
    const now = this.now();
    const hold = state.holds.get(holdId) ?? store.findHold(sql, eventId, holdId);
    const plan = planBooking(state, hold, paymentIntentId, now);
    if (plan.kind !== "book") return plan;
    this.ctx.storage.transactionSync(() => {
      if (plan.rehold) {
        this.clearStaleHolders(state, plan.hold.seats, now);
        this.recordChange({ at: now, holdId, kind: "reheld", status: "held", seats: plan.hold.seats });
      }
      store.writeHold(sql, plan.hold);
    });
    addHold(state, plan.hold);
    await this.armAlarm(plan.hold.expiresAt);
    return { kind: "book", hold: plan.hold, rehold: plan.rehold };
  }

  /**
   * Postgres has the booking: the seats are sold. Postgres is the system of
   * record, so this wins over anything the room holds for those seats.
   */
  async completeBooking(eventId: string, holdId: string, booking: { id: string; userId: string; seats: number[] }): Promise<void> {
    const state = await this.room(eventId);
    if (!state) return;
    const sql = this.ctx.storage.sql;
    const now = this.now();
    const seats = booking.seats.filter((s) => state.sold.get(s)?.bookingId !== booking.id);
    const hold = state.holds.get(holdId) ?? store.findHold(sql, eventId, holdId);
    this.ctx.storage.transactionSync(() => {
      // Any other hold on these seats loses them: the booking is the truth.
      for (const seat of seats) {
        const holder = state.seatHold.get(seat);
        const other = holder && holder !== holdId ? state.holds.get(holder) : undefined;
        if (other) this.endHold(state, other, "expired", "displaced", now);
      }
      store.writeSold(sql, seats.map((seat) => ({ seat, bookingId: booking.id, userId: booking.userId })));
      if (hold && hold.state !== "booked") {
        store.writeHold(sql, { ...hold, state: "booked", bookingId: booking.id });
      }
      if (seats.length > 0) this.recordChange({ at: now, holdId, kind: "booked", status: "sold", seats });
    });
    for (const seat of seats) state.sold.set(seat, { bookingId: booking.id, userId: booking.userId });
    if (seats.length > 0) state.soldByUser.set(booking.userId, (state.soldByUser.get(booking.userId) ?? 0) + seats.length);
    if (hold) removeHold(state, hold);
    log("info", "hold_booked", { eventId, holdId, bookingId: booking.id, seats: seats.length });
    await this.freeQueueSlot(state, booking.userId);
  }

  /**
   * A fan who booked or gave up their seats is done shopping: their
   * admission no longer holds seats here, and their slot in the waiting room
   * goes to the next fan.
   */
  private async freeQueueSlot(state: RoomState, userId: string): Promise<void> {
    if (!state.catalog.queueEnabled) return;
    const ended = store.endSession(this.ctx.storage.sql, userId, this.now());
    if (ended) state.endedSessions.add(ended);
    try {
      await this.env.QUEUE_ROOM.getByName(state.catalog.eventId).leave(state.catalog.eventId, userId);
    } catch (error) {
      // The slot frees itself when the session lapses.
      log("warn", "queue_leave_failed", { eventId: state.catalog.eventId, userId, message: String(error) });
    }
  }

  /** The booking could not be written: the seats go back. */
  async abandonBooking(eventId: string, holdId: string, reason: string): Promise<void> {
    const state = await this.room(eventId);
    const hold = state?.holds.get(holdId);
    if (!state || !hold || hold.state !== "booking") return;
    this.ctx.storage.transactionSync(() => this.endHold(state, hold, "expired", "abandoned", this.now()));
    log("warn", "booking_abandoned", { eventId, holdId, reason });
  }

  /** A refunded booking's seats are free again. */
  async refundBooking(eventId: string, bookingId: string): Promise<void> {
    const state = await this.room(eventId);
    if (!state) return;
    const seats = [...state.sold].filter(([, s]) => s.bookingId === bookingId).map(([seat]) => seat);
    if (seats.length === 0) return;
    const userId = state.sold.get(seats[0] ?? -1)?.userId ?? "";
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      store.deleteSold(sql, bookingId);
      sql.exec("UPDATE holds SET state = 'refunded' WHERE booking_id = ?", bookingId);
      this.recordChange({ at: this.now(), holdId: null, kind: "refunded", status: "available", seats });
    });
    for (const seat of seats) state.sold.delete(seat);
    state.soldByUser.set(userId, Math.max(0, (state.soldByUser.get(userId) ?? 0) - seats.length));
  }

  /** The payment intent was cancelled: a hold still paying with it is released. */
  async paymentCanceled(eventId: string, holdId: string, paymentIntentId: string): Promise<void> {
    const state = await this.room(eventId);
    const hold = state?.holds.get(holdId);
    if (!state || !hold || hold.paymentIntentId !== paymentIntentId || hold.state !== "paying") return;
    this.ctx.storage.transactionSync(() => this.endHold(state, hold, "released", "payment_canceled", this.now()));
  }

  /** Live counts of the event's tickets and the sequence number they reflect. */
  async availability(eventId: string): Promise<(Availability & { seq: number }) | null> {
    const state = await this.room(eventId);
    if (!state) return null;
    return { ...availability(state, this.now()), seq: store.lastSeq(this.ctx.storage.sql) };
  }

  /** Seats in live holds (not sold), in seat order. */
  async heldSeats(eventId: string): Promise<number[]> {
    const state = await this.room(eventId);
    if (!state) return [];
    const now = this.now();
    const held = new Set<number>();
    for (const hold of state.holds.values()) {
      if (isLive(hold, now)) for (const seat of hold.seats) if (!state.sold.has(seat)) held.add(seat);
    }
    return [...held].sort((a, b) => a - b);
  }

  /** The organizer changed the event: reload prices, limits and times. */
  async catalogChanged(eventId: string): Promise<void> {
    if (!store.readCatalog(this.ctx.storage.sql)) return;
    const state = await this.room(eventId);
    const catalog = await fetchCatalog(this.env, eventId);
    if (!state || !catalog) return;
    // Re-read after the I/O: holds may have changed meanwhile.
    const now = this.now();
    this.ctx.storage.transactionSync(() => {
      store.writeCatalog(this.ctx.storage.sql, catalog);
      for (const hold of [...state.holds.values()]) {
        if (hold.seats.some((s) => s >= catalog.ticketCount)) this.endHold(state, hold, "released", "venue_changed", now);
      }
    });
    state.catalog = catalog;
    state.prices = expandPrices(catalog);
    this.live?.resize(catalog.ticketCount);
  }

  /** Ends every hold past its expiry, then re-arms for the next one. Safe to run twice. */
  override async alarm(): Promise<void> {
    const catalog = store.readCatalog(this.ctx.storage.sql);
    this.alarmAt = null;
    if (!catalog) return;
    const state = await this.room(catalog.eventId);
    if (!state) return;
    this.sweepIfDue(state, true);
    // Holds overdue in "booking": their payment was authorized; Postgres says whether they were booked.
    const now = this.now();
    const overdue = dueHolds(state, now).filter((h) => h.state === "booking");
    if (overdue.length > 0) {
      const booked = await fetchBookingsOfHolds(this.env, overdue.map((h) => h.id));
      for (const booking of booked) await this.completeBooking(catalog.eventId, booking.holdId, booking);
      const stillOverdue = dueHolds(state, this.now()).filter((h) => h.state === "booking" && !booked.some((b) => b.holdId === h.id));
      if (stillOverdue.length > 0) {
        this.ctx.storage.transactionSync(() => {
          for (const hold of stillOverdue) this.endHold(state, hold, "expired", "expired", this.now());
        });
      }
    }
    store.pruneEvents(this.ctx.storage.sql, LOG_KEPT);
    const next = earliestExpiry(state);
    if (next !== undefined) await this.armAlarm(next);
  }

  /** The seat snapshot: one status digit per seat index (0 available, 1 held, 2 sold) and its seq. */
  async seats(eventId: string): Promise<{ seq: number; statuses: string } | null> {
    const state = await this.room(eventId);
    if (!state || !this.live) return null;
    this.sweepIfDue(state);
    return this.live.snapshot();
  }

  /** `GET /seats/stream?eventId=…`: the live seat feed (streams are the one thing not done over RPC). */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const eventId = url.searchParams.get("eventId") ?? "";
    if (url.pathname !== "/seats/stream") return new Response("not found", { status: 404 });
    const state = await this.room(eventId);
    if (!state || !this.live) return new Response("no such event", { status: 404 });
    this.sweepIfDue(state);
    const last = Number(request.headers.get("last-event-id") ?? url.searchParams.get("lastEventId") ?? Number.NaN);
    const body = this.live.feed.subscribe(Number.isInteger(last) && last >= 0 ? last : undefined);
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        "content-encoding": "identity",
      },
    });
  }

  /** How many watchers the seat feed has (for tests and the benchmark). */
  async watchers(): Promise<number> {
    return this.live?.feed.watching ?? 0;
  }

  /** Stores a seat change in the log, applies it to the live seat map and queues it for watchers. */
  private recordChange(change: { at: number; holdId: string | null; kind: string; status: store.SeatStatus; seats: number[] }): void {
    const seq = store.appendEvent(this.ctx.storage.sql, change);
    this.live?.apply({ seq, status: change.status, seats: change.seats });
  }

  /**
   * Ends due held and paying holds (a read that finds the alarm late does
   * this too, so watchers see expiry on time). Holds being booked are left to
   * the alarm, which asks Postgres first.
   */
  private sweepIfDue(state: RoomState, force = false): void {
    const now = this.now();
    if (!force && (this.alarmAt === null || this.alarmAt === undefined || this.alarmAt > now)) return;
    const due = dueHolds(state, now).filter((h) => h.state !== "booking");
    if (due.length === 0) return;
    this.ctx.storage.transactionSync(() => {
      for (const hold of due) this.endHold(state, hold, "expired", "expired", now);
    });
    log("info", "holds_expired", { eventId: state.catalog.eventId, holds: due.length });
  }

  /** Ends a hold in storage and memory and logs the seats it frees. Call inside a transaction. */
  private endHold(state: RoomState, hold: Hold, to: "expired" | "released", kind: string, now: number): void {
    const sql = this.ctx.storage.sql;
    store.writeHold(sql, { ...hold, state: to });
    const freed = hold.seats.filter((s) => !state.sold.has(s) && state.seatHold.get(s) === hold.id);
    if (freed.length > 0) this.recordChange({ at: now, holdId: hold.id, kind, status: "available", seats: freed });
    removeHold(state, hold);
  }

  /** Ends the expired holds that still claim any of `seats`. */
  private clearStaleHolders(state: RoomState, seats: number[], now: number): void {
    for (const seat of seats) {
      const holder = state.seatHold.get(seat);
      const stale = holder ? state.holds.get(holder) : undefined;
      if (stale && !isLive(stale, now)) this.endHold(state, stale, "expired", "expired", now);
    }
  }

  private async room(eventId: string): Promise<RoomState | undefined> {
    if (this.state) return this.state;
    this.loading ??= this.load(eventId).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Rebuilds memory from SQLite, or first fills SQLite from Postgres. */
  private async load(eventId: string): Promise<RoomState | undefined> {
    const loaded = await loadRoom(this.ctx.storage, this.env, eventId);
    if (!loaded) return undefined;
    this.live = loaded.live;
    this.alarmAt = await this.ctx.storage.getAlarm();
    this.state = loaded.state;
    return loaded.state;
  }

  /** Keeps the one alarm at the earliest expiry. */
  private async armAlarm(at: number): Promise<void> {
    if (this.alarmAt !== undefined && this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  private ttlMs(): number {
    return seconds(this.env.HOLD_TTL_SECONDS, DEFAULT_TTL_SECONDS) * 1000;
  }

  private graceMs(): number {
    return seconds(this.env.HOLD_GRACE_SECONDS, DEFAULT_GRACE_SECONDS) * 1000;
  }
}

function seconds(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}
