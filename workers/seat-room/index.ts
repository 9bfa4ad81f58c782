/**
 * SeatRoom: one Durable Object per event (`SEAT_ROOM.getByName(eventId)`),
 * the only writer of seat state for its event. It serializes every reserve,
 * checkout and booking step of the event; the API validates and shapes, the
 * room decides (with the plain rules in `rules.ts`). What crosses its
 * boundary is declared in `src/shared/room-protocol.ts`.
 *
 * Invariant: a ticket is in at most one live hold or one booking.
 *
 * Persist first, memory second: every change is written to the room's SQLite
 * in one synchronous step (atomic in a Durable Object), then applied to the
 * in-memory state, which is rebuilt from SQLite after an eviction. Each step
 * decides on the stored state with no await between its check and its
 * write, so two callers can never both move one hold.
 *
 * Expiry is exact: a hold past `expiresAt` is free on every read and write.
 * The one alarm is armed for the earliest due work (a hold's expiry, a
 * payment to settle, the next reconciliation) and is idempotent:
 * - it ends lapsed holds; a lapsed or released hold with a payment gets a
 *   row in `payments_due`, and the alarm settles it through the booking
 *   lifecycle (`src/lifecycle/settle.ts`), passing itself as the room: the
 *   lifecycle re-enters through the same public steps as the webhook, so
 *   every decision is re-checked after every await;
 * - a claim whose booking never arrived in its window is settled, and if it
 *   still cannot be, given up through the Postgres fence;
 * - it reconciles the room's sold seats with Postgres (`reconcile.ts`).
 */
import { DurableObject } from "cloudflare:workers";
import { openSession } from "../../src/shared/database";
import { newHoldId } from "../../src/shared/ids";
import { log } from "../../src/shared/log";
import type {
  AttachOutcome,
  CheckoutOutcome,
  ClaimOutcome,
  HoldRecord,
  HoldState,
  PaymentHold,
  ReleaseOutcome,
  ReserveCommand,
  ReserveOutcome,
  RoomInspection,
  SeatStatus,
  SoldBooking,
} from "../../src/shared/room-protocol";
import { releaseClaim, settlePayment, type LifecycleContext } from "../../src/lifecycle/settle";
import { paymentProvider } from "../../src/payments/provider";
import { fetchCatalog } from "./catalog-source";
import type { LiveSeatMap } from "./live-map";
import { loadRoom } from "./load";
import { reconcile, RECONCILE_AFTER_LOAD_MS, RECONCILE_EVERY_MS } from "./reconcile";
import {
  addHold,
  availability,
  dueHolds,
  earliestExpiry,
  expandPrices,
  holdRecord as record,
  isLive,
  phaseOf,
  planAttach,
  planCheckout,
  planClaim,
  planReserve,
  removeHold,
  type Availability,
  type Hold,
  type RoomState,
} from "./rules";
import * as store from "./storage";

const DEFAULT_TTL_SECONDS = 600;
const DEFAULT_GRACE_SECONDS = 120;
const LOG_KEPT = 20_000;
/** Payments settled per alarm run; the rest wait for the next run, at once. */
const SETTLE_BATCH = 25;
const RETRY_BASE_MS = 15_000;
const RETRY_MAX_MS = 10 * 60_000;

export class SeatRoom extends DurableObject<Env> {
  /** The room's raw clock. Tests move it forward to cross expiries without waiting. */
  now: () => number = () => Date.now();
  /** The latest time the room has acted at (from its storage after a restart): its clock never goes back. */
  private highWater = 0;
  private state: RoomState | undefined;
  private loading: Promise<RoomState | undefined> | undefined;
  private alarmAt: number | null | undefined;
  private live: LiveSeatMap | undefined;
  /** When the sold seats are next compared with Postgres (shortly after every load, then every few minutes while on sale). */
  private reconcileAt: number | undefined;
  /** The seq of the last change to each seat's sold status, so a reconciliation skips seats that moved while it read Postgres. */
  private readonly soldChanged = new Map<number, number>();
  /** A step ended a hold that has a payment: the alarm should run now to settle it. */
  private paymentsScheduled = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => store.migrate(ctx.storage.sql));
  }

  // ---- The fan's steps (called by the API) ----

  /** Holds the seats for the fan, all or none. */
  async reserve(command: ReserveCommand): Promise<ReserveOutcome> {
    const state = await this.room(command.eventId);
    if (!state) return { kind: "rejected", status: 400, detail: `unknown tickets: no event ${command.eventId}` };
    const sql = this.ctx.storage.sql;
    const now = this.clock();
    const history = {
      previous: command.idempotencyKey ? store.findHoldByKey(sql, command.eventId, command.userId, command.idempotencyKey) : undefined,
      latest: store.latestHoldOf(sql, command.eventId, command.userId),
    };
    const request = { ...command, holdId: newHoldId(command.eventId) };
    const plan = planReserve(state, request, now, this.ttlMs(), history);
    if (plan.kind === "replay") return { kind: "held", hold: record(plan.hold) };
    if (plan.kind !== "hold") return plan;
    this.ctx.storage.transactionSync(() => {
      if (plan.replaces) this.endHold(state, plan.replaces, "released", "replaced", now);
      this.clearStaleHolders(state, plan.hold.seats, now);
      store.writeHold(sql, plan.hold);
      this.recordChange({ at: now, holdId: plan.hold.id, kind: "held", status: "held", seats: plan.hold.seats });
      if (command.admission) store.noteSession(sql, command.userId, command.admission.session);
    });
    addHold(state, plan.hold);
    log("info", "hold_created", { eventId: command.eventId, holdId: plan.hold.id, userId: command.userId, seats: plan.hold.seats.length, expiresAt: plan.hold.expiresAt });
    await this.armAlarm(plan.hold.expiresAt);
    await this.armForPayments();
    return { kind: "held", hold: record(plan.hold) };
  }

  /** The fan's own hold, with its effective state (expired once past its expiry). */
  async getHold(eventId: string, holdId: string, userId: string): Promise<HoldRecord | null> {
    const state = await this.room(eventId);
    const hold = state ? this.findHold(state, holdId) : undefined;
    if (!hold || hold.userId !== userId) return null;
    return record(hold, this.clock());
  }

  /** The fan gives the seats back; they are free at once. A payment started for them is cancelled by the alarm. */
  async release(eventId: string, holdId: string, userId: string): Promise<ReleaseOutcome> {
    const state = await this.room(eventId);
    const hold = state ? this.findHold(state, holdId) : undefined;
    if (!state || !hold || hold.userId !== userId) return { kind: "rejected", status: 404, detail: "no such hold" };
    const now = this.clock();
    if (!isLive(hold, now)) return { kind: "ended" };
    if (hold.state === "booking") return { kind: "rejected", status: 409, detail: "this payment is already being completed", state: hold.state };
    this.ctx.storage.transactionSync(() => this.endHold(state, hold, "released", "released", now));
    log("info", "hold_released", { eventId, holdId, userId });
    await this.armForPayments();
    await this.freeQueueSlot(state, userId);
    return { kind: "released" };
  }

  /** Checkout starts: held → paying, extended once per window by the grace. The hold carries its payment once attached. */
  async checkout(eventId: string, holdId: string, userId: string): Promise<CheckoutOutcome> {
    const state = await this.room(eventId);
    if (!state) return { kind: "rejected", status: 404, detail: "no such hold" };
    const plan = planCheckout(state, this.findHold(state, holdId), userId, this.clock(), this.graceMs());
    if (plan.kind !== "paying") return plan;
    if (plan.changed) {
      store.writeHold(this.ctx.storage.sql, plan.hold);
      addHold(state, plan.hold);
      await this.armAlarm(plan.hold.expiresAt);
    }
    return { kind: "paying", hold: record(plan.hold) };
  }

  /** Records the payment intent of a paying hold. Refused (never undone) when the hold moved on. */
  async attachPayment(eventId: string, holdId: string, paymentIntentId: string): Promise<AttachOutcome> {
    const state = await this.room(eventId);
    if (!state) return { kind: "rejected", status: 404, detail: "no such hold" };
    const plan = planAttach(this.findHold(state, holdId), paymentIntentId, this.clock());
    if (plan.kind !== "attached") return plan;
    if (plan.changed) {
      store.writeHold(this.ctx.storage.sql, plan.hold);
      addHold(state, plan.hold);
    }
    return { kind: "attached", hold: record(plan.hold) };
  }

  // ---- The booking lifecycle's steps (src/lifecycle/settle.ts) ----

  /** How the hold stands for this payment. */
  async paymentHold(eventId: string, holdId: string, paymentIntentId: string): Promise<PaymentHold> {
    const state = await this.room(eventId);
    const hold = state ? this.findHold(state, holdId) : undefined;
    return { phase: phaseOf(hold, paymentIntentId, this.clock()), hold: hold ? record(hold, this.clock()) : null };
  }

  /** An authorized payment: its hold's seats are claimed for booking (held again if they are still free), or refused. */
  async claim(eventId: string, holdId: string, paymentIntentId: string, authorized: { amountCents: number; currency: string }): Promise<ClaimOutcome> {
    const state = await this.room(eventId);
    if (!state) return { kind: "refused", reason: "unknown event" };
    const now = this.clock();
    const plan = planClaim(state, this.findHold(state, holdId), paymentIntentId, authorized, now);
    if (plan.kind === "refused") return plan;
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      if (plan.rehold) {
        this.clearStaleHolders(state, plan.hold.seats, now);
        this.recordChange({ at: now, holdId, kind: "reheld", status: "held", seats: plan.hold.seats });
      }
      store.writeHold(sql, plan.hold);
      // If the booking does not arrive in its window, the alarm settles it or lets it go.
      store.schedulePayment(sql, paymentIntentId, holdId, plan.hold.expiresAt);
    });
    addHold(state, plan.hold);
    await this.armAlarm(plan.hold.expiresAt);
    await this.armForPayments();
    return { kind: "claimed", hold: record(plan.hold) };
  }

  /** The Postgres fence says this claim is ended: its seats are free and it can never be booked. */
  async abandonClaim(eventId: string, holdId: string, paymentIntentId: string, reason: string): Promise<PaymentHold> {
    const state = await this.room(eventId);
    const hold = state ? this.findHold(state, holdId) : undefined;
    if (state && hold && !hold.fenced && hold.state !== "booked") {
      this.ctx.storage.transactionSync(() => {
        if (state.holds.has(hold.id)) this.endHold(state, { ...hold, fenced: true }, "expired", "abandoned", this.clock());
        else store.writeHold(this.ctx.storage.sql, { ...hold, fenced: true });
      });
      log("warn", "claim_abandoned", { eventId, holdId, paymentIntentId, reason });
      await this.armForPayments();
    }
    return this.paymentHold(eventId, holdId, paymentIntentId);
  }

  /**
   * Postgres has the booking: its seats are sold. Postgres is the system of
   * record, so this wins over anything the room holds for those seats.
   */
  async markSold(eventId: string, holdId: string, paymentIntentId: string, booking: SoldBooking): Promise<PaymentHold> {
    const state = await this.room(eventId);
    if (state) {
      const changed = this.applySold(state, holdId, booking, "booked");
      await this.armForPayments();
      if (changed) await this.freeQueueSlot(state, booking.userId);
    }
    return this.paymentHold(eventId, holdId, paymentIntentId);
  }

  /** A voided booking's seats are free again, and its hold ends with it. */
  async returnSeats(eventId: string, holdId: string, paymentIntentId: string, bookingId: string, status: "cancelled" | "refunded"): Promise<PaymentHold> {
    const state = await this.room(eventId);
    if (state) {
      this.applyReturn(state, holdId, bookingId, status);
      await this.armForPayments();
    }
    return this.paymentHold(eventId, holdId, paymentIntentId);
  }

  /** The payment was cancelled: a hold still paying with it ends. */
  async paymentCancelled(eventId: string, holdId: string, paymentIntentId: string): Promise<PaymentHold> {
    const state = await this.room(eventId);
    const hold = state?.holds.get(holdId);
    if (state && hold && phaseOf(hold, paymentIntentId, this.clock()) === "open") {
      this.ctx.storage.transactionSync(() => this.endHold(state, hold, "released", "payment_cancelled", this.clock()));
    }
    return this.paymentHold(eventId, holdId, paymentIntentId);
  }

  // ---- Reads ----

  /** Live counts of the event's tickets and the sequence number they reflect. */
  async availability(eventId: string): Promise<(Availability & { seq: number }) | null> {
    const state = await this.room(eventId);
    if (!state) return null;
    return { ...availability(state, this.clock()), seq: store.lastSeq(this.ctx.storage.sql) };
  }

  /** Seats in live holds (not sold), in seat order. */
  async heldSeats(eventId: string): Promise<number[]> {
    const state = await this.room(eventId);
    if (!state) return [];
    const now = this.clock();
    const held = new Set<number>();
    for (const hold of state.holds.values()) {
      if (isLive(hold, now)) for (const seat of hold.seats) if (!state.sold.has(seat)) held.add(seat);
    }
    return [...held].sort((a, b) => a - b);
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

  /** What the invariant checker needs; null for a room that never opened (nothing to check, nothing created). */
  async inspect(eventId: string): Promise<RoomInspection | null> {
    const sql = this.ctx.storage.sql;
    if (!store.readCatalog(sql)) return null;
    const state = await this.room(eventId);
    if (!state) return null;
    const now = this.clock();
    return {
      eventId,
      now,
      perUserLimit: state.catalog.perUserLimit,
      maxHoldMs: this.ttlMs() + this.graceMs(),
      activeHolds: [...state.holds.values()].map((h) => ({
        id: h.id,
        userId: h.userId,
        state: h.state,
        seats: h.seats,
        createdAt: h.createdAt,
        expiresAt: h.expiresAt,
        live: isLive(h, now),
        paymentIntentId: h.paymentIntentId,
      })),
      payments: store.holdsWithPayments(sql, eventId).map((h) => ({ paymentIntentId: h.paymentIntentId ?? "", holdId: h.id, userId: h.userId, state: h.state })),
      paymentsDue: store.allPaymentsDue(sql),
      sold: [...state.sold].map(([seat, s]) => ({ seat, bookingId: s.bookingId, userId: s.userId })),
    };
  }

  /** The organizer changed the event: reload prices, limits and times. */
  async catalogChanged(eventId: string): Promise<void> {
    if (!store.readCatalog(this.ctx.storage.sql)) return;
    const state = await this.room(eventId);
    const catalog = await fetchCatalog(this.env, eventId);
    if (!state || !catalog) return;
    // Re-read after the I/O: holds may have changed meanwhile. Claims being booked are left to the lifecycle.
    const now = this.clock();
    this.ctx.storage.transactionSync(() => {
      store.writeCatalog(this.ctx.storage.sql, catalog);
      for (const hold of [...state.holds.values()]) {
        if (hold.state !== "booking" && hold.seats.some((s) => s >= catalog.ticketCount)) this.endHold(state, hold, "released", "venue_changed", now);
      }
    });
    state.catalog = catalog;
    state.prices = expandPrices(catalog);
    this.live?.resize(catalog.ticketCount);
    await this.armForPayments();
  }

  // ---- Due work ----

  /** Ends lapsed holds, settles due payments, reconciles with Postgres, then re-arms. Safe to run twice. */
  override async alarm(): Promise<void> {
    const catalog = store.readCatalog(this.ctx.storage.sql);
    this.alarmAt = null;
    this.paymentsScheduled = false;
    if (!catalog) return;
    const state = await this.room(catalog.eventId);
    if (!state) return;
    this.sweepIfDue(state, true);
    await this.settleDue(state);
    if (this.reconcileAt !== undefined && this.reconcileAt <= this.clock()) await this.reconcileNow(state);
    store.pruneEvents(this.ctx.storage.sql, LOG_KEPT);
    await this.armNext(state);
  }

  /** Settles the payments whose time has come, through the booking lifecycle with this room as its room. */
  private async settleDue(state: RoomState): Promise<void> {
    const sql = this.ctx.storage.sql;
    // Claims past their window whose booking has not arrived: settle them now.
    const now = this.clock();
    for (const hold of dueHolds(state, now)) {
      if (hold.state === "booking" && hold.paymentIntentId) store.schedulePayment(sql, hold.paymentIntentId, hold.id, now);
    }
    const due = store.duePayments(sql, now, SETTLE_BATCH);
    if (due.length === 0) return;
    const session = openSession(this.env);
    const ctx: LifecycleContext = {
      db: session.db,
      provider: paymentProvider(this.env, session.db),
      room: () => this,
      requestId: `alarm:${state.catalog.eventId}`,
    };
    try {
      for (const work of due) {
        let settled = false;
        try {
          const result = await settlePayment(ctx, work.paymentIntentId);
          settled = result.outcome !== "pending";
        } catch (error) {
          log("warn", "settle_failed", { eventId: state.catalog.eventId, holdId: work.holdId, paymentIntentId: work.paymentIntentId, attempts: work.attempts + 1, message: String(error) });
        }
        // Re-read after the awaits: a claim still waiting for its booking past its window is let go through the fence.
        const hold = state.holds.get(work.holdId);
        if (hold?.state === "booking" && hold.expiresAt <= this.clock()) {
          try {
            const won = await releaseClaim(ctx, { paymentIntentId: work.paymentIntentId, eventId: state.catalog.eventId, holdId: work.holdId }, "the booking did not arrive in its window");
            log("warn", "claim_fenced", { eventId: state.catalog.eventId, holdId: work.holdId, paymentIntentId: work.paymentIntentId, won });
          } catch (error) {
            log("warn", "fence_failed", { eventId: state.catalog.eventId, holdId: work.holdId, message: String(error) });
          }
          settled = false;
        }
        if (settled) store.settledPayment(sql, work.paymentIntentId);
        else store.retryPayment(sql, work.paymentIntentId, this.clock() + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** work.attempts));
      }
    } finally {
      await session.end();
    }
  }

  private async reconcileNow(state: RoomState): Promise<void> {
    const now = this.clock();
    const onSale = now < state.catalog.startsAt;
    this.reconcileAt = onSale ? now + RECONCILE_EVERY_MS : undefined;
    try {
      await reconcile(this.env, state, {
        seq: () => store.lastSeq(this.ctx.storage.sql),
        changedSince: (seat, seq) => (this.soldChanged.get(seat) ?? 0) > seq,
        sell: (holdId, booking) => this.applySold(state, holdId, booking, "reconcile_sold"),
        free: (seats) => this.freeSold(state, seats, "reconcile_freed"),
      });
    } catch (error) {
      log("warn", "reconcile_failed", { eventId: state.catalog.eventId, message: String(error) });
      this.reconcileAt = now + RECONCILE_EVERY_MS;
    }
  }

  /** Arms the alarm for the earliest due work. */
  private async armNext(state: RoomState): Promise<void> {
    const times = [earliestExpiry(state), store.nextPaymentDue(this.ctx.storage.sql), this.reconcileAt].filter((t): t is number => t !== undefined);
    if (times.length > 0) await this.armAlarm(Math.min(...times));
  }

  // ---- Seat changes (call inside a transaction where noted) ----

  /**
   * Marks a booking's seats sold, ending any hold on them; true if anything
   * changed. A booking whose hold ended with it voided is never sold again
   * (a stalled step arriving late); the lifecycle never takes a seat sold to
   * another booking (the reconciler, reading Postgres, may).
   */
  private applySold(state: RoomState, holdId: string, booking: SoldBooking, kind: "booked" | "reconcile_sold"): boolean {
    const sql = this.ctx.storage.sql;
    const now = this.clock();
    const hold = this.findHold(state, holdId);
    if (hold && (hold.state === "cancelled" || hold.state === "refunded")) {
      log("warn", "stale_sale_ignored", { eventId: state.catalog.eventId, holdId, bookingId: booking.id, holdState: hold.state });
      return false;
    }
    const taken = kind === "booked" ? booking.seats.filter((s) => { const sold = state.sold.get(s); return sold !== undefined && sold.bookingId !== booking.id; }) : [];
    if (taken.length > 0) log("error", "sold_conflict", { eventId: state.catalog.eventId, holdId, bookingId: booking.id, seats: taken.length });
    const seats = booking.seats.filter((s) => s < state.catalog.ticketCount && state.sold.get(s)?.bookingId !== booking.id && !taken.includes(s));
    const holdChanged = hold !== undefined && hold.state !== "booked" && hold.userId === booking.userId;
    if (seats.length === 0 && !holdChanged) return false;
    let seq = 0;
    this.ctx.storage.transactionSync(() => {
      // Any other hold on these seats loses them: the booking is the truth.
      for (const seat of seats) {
        const holder = state.seatHold.get(seat);
        const other = holder && holder !== holdId ? state.holds.get(holder) : undefined;
        if (other) this.endHold(state, other, "expired", "displaced", now);
        const previous = state.sold.get(seat);
        if (previous) this.uncount(state, previous.userId, 1);
      }
      store.writeSold(sql, seats.map((seat) => ({ seat, bookingId: booking.id, userId: booking.userId })));
      if (hold && holdChanged) store.writeHold(sql, { ...hold, state: "booked", bookingId: booking.id });
      if (seats.length > 0) seq = this.recordChange({ at: now, holdId, kind, status: "sold", seats });
    });
    for (const seat of seats) {
      state.sold.set(seat, { bookingId: booking.id, userId: booking.userId });
      this.soldChanged.set(seat, seq);
    }
    if (seats.length > 0) state.soldByUser.set(booking.userId, (state.soldByUser.get(booking.userId) ?? 0) + seats.length);
    if (hold && state.holds.has(hold.id)) removeHold(state, hold);
    log("info", kind === "booked" ? "seats_sold" : "reconcile_repair", { eventId: state.catalog.eventId, holdId, bookingId: booking.id, seats: seats.length, kind });
    return true;
  }

  /** A voided booking's seats go back on sale, and its hold (booked, or still claimed for booking) ends with it. */
  private applyReturn(state: RoomState, holdId: string, bookingId: string, holdState: "cancelled" | "refunded"): void {
    const seats = [...state.sold].filter(([, s]) => s.bookingId === bookingId).map(([seat]) => seat);
    const claimed = state.holds.get(holdId);
    this.ctx.storage.transactionSync(() => {
      store.endHoldOfBooking(this.ctx.storage.sql, bookingId, holdState);
      if (claimed?.state === "booking") this.endHold(state, { ...claimed, bookingId }, holdState, holdState, this.clock());
    });
    if (seats.length > 0) this.freeSold(state, seats, holdState);
  }

  private freeSold(state: RoomState, seats: number[], kind: string): void {
    const sql = this.ctx.storage.sql;
    let seq = 0;
    this.ctx.storage.transactionSync(() => {
      store.deleteSold(sql, seats);
      seq = this.recordChange({ at: this.clock(), holdId: null, kind, status: "available", seats });
    });
    for (const seat of seats) {
      const sold = state.sold.get(seat);
      if (sold) this.uncount(state, sold.userId, 1);
      state.sold.delete(seat);
      this.soldChanged.set(seat, seq);
    }
    log(kind === "reconcile_freed" ? "warn" : "info", kind === "reconcile_freed" ? "reconcile_repair" : "seats_returned", { eventId: state.catalog.eventId, seats: seats.length, kind });
  }

  private uncount(state: RoomState, userId: string, n: number): void {
    const left = (state.soldByUser.get(userId) ?? 0) - n;
    if (left > 0) state.soldByUser.set(userId, left);
    else state.soldByUser.delete(userId);
  }

  /**
   * A fan who booked or gave up their seats is done shopping: their
   * admission no longer holds seats here, and their slot in the waiting room
   * goes to the next fan.
   */
  private async freeQueueSlot(state: RoomState, userId: string): Promise<void> {
    if (!state.catalog.queueEnabled) return;
    const ended = store.endSession(this.ctx.storage.sql, userId, this.clock());
    if (ended) state.endedSessions.add(ended);
    try {
      await this.env.QUEUE_ROOM.getByName(state.catalog.eventId).leave(state.catalog.eventId, userId);
    } catch (error) {
      // The slot frees itself when the session lapses.
      log("warn", "queue_leave_failed", { eventId: state.catalog.eventId, userId, message: String(error) });
    }
  }

  /** Stores a seat change in the log, applies it to the live seat map and queues it for watchers; returns its seq. */
  private recordChange(change: { at: number; holdId: string | null; kind: string; status: SeatStatus; seats: number[] }): number {
    const seq = store.appendEvent(this.ctx.storage.sql, change);
    this.live?.apply({ seq, status: change.status, seats: change.seats });
    return seq;
  }

  /**
   * Ends due held and paying holds (a read that finds the alarm late does
   * this too, so watchers see expiry on time). Claims being booked are left
   * to the alarm, which settles them first.
   */
  private sweepIfDue(state: RoomState, force = false): void {
    const now = this.clock();
    if (!force && (this.alarmAt === null || this.alarmAt === undefined || this.alarmAt > now)) return;
    const due = dueHolds(state, now).filter((h) => h.state !== "booking");
    if (due.length === 0) return;
    this.ctx.storage.transactionSync(() => {
      for (const hold of due) this.endHold(state, hold, "expired", "expired", now);
    });
    log("info", "holds_expired", { eventId: state.catalog.eventId, holds: due.length });
  }

  /**
   * Ends a hold in storage and memory and logs the seats it frees. A hold
   * with a payment that lapses or is released gets its payment settled by
   * the alarm (cancelled, or booked if it was authorized in time). Call
   * inside a transaction.
   */
  private endHold(state: RoomState, hold: Hold, to: Exclude<HoldState, "held" | "paying" | "booking" | "booked">, kind: string, now: number): void {
    const sql = this.ctx.storage.sql;
    store.writeHold(sql, { ...hold, state: to });
    if (hold.paymentIntentId && kind !== "payment_cancelled") {
      store.schedulePayment(sql, hold.paymentIntentId, hold.id, now);
      this.paymentsScheduled = true;
    }
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

  private findHold(state: RoomState, holdId: string): Hold | undefined {
    return state.holds.get(holdId) ?? store.findHold(this.ctx.storage.sql, state.catalog.eventId, holdId);
  }

  private async room(eventId: string): Promise<RoomState | undefined> {
    if (this.state) return this.state;
    this.loading ??= this.load(eventId).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Rebuilds memory from SQLite, or first fills SQLite from Postgres; a reconciliation follows shortly. */
  private async load(eventId: string): Promise<RoomState | undefined> {
    const loaded = await loadRoom(this.ctx.storage, this.env, eventId);
    if (!loaded) return undefined;
    this.live = loaded.live;
    this.highWater = Math.max(this.highWater, store.latestTime(this.ctx.storage.sql));
    this.alarmAt = await this.ctx.storage.getAlarm();
    this.state = loaded.state;
    this.reconcileAt = this.clock() + RECONCILE_AFTER_LOAD_MS;
    await this.armAlarm(this.reconcileAt);
    return loaded.state;
  }

  /** A step scheduled a payment to settle: the alarm runs now. */
  private async armForPayments(): Promise<void> {
    if (!this.paymentsScheduled) return;
    this.paymentsScheduled = false;
    await this.armAlarm(this.clock());
  }

  /** Keeps the one alarm at the earliest due work. */
  private async armAlarm(at: number): Promise<void> {
    if (this.alarmAt !== undefined && this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  /**
   * The room's time: its clock, but never earlier than any time it has
   * already acted at. A room restarted on another machine whose clock is
   * behind must not bring lapsed holds back to life.
   */
  private clock(): number {
    const t = this.now();
    if (t > this.highWater) this.highWater = t;
    return this.highWater;
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
