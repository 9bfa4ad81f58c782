/**
 * SeatRoom: one Durable Object per event (`SEAT_ROOM.getByName(eventId)`),
 * the only writer of seat state for its event. It serializes every reserve,
 * checkout and booking step of the event; the API validates and shapes, the
 * room decides (with the plain rules in `rules.ts`) and its ledger
 * (`seat-ledger.ts`) carries each decision out. What crosses its boundary is
 * declared in `src/shared/room-protocol.ts`.
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
 * payment to settle, the next reconciliation) and is idempotent: it ends
 * lapsed holds, settles due payments through the booking lifecycle
 * (`due-work.ts`), writes the mail of waitlist offers
 * (`waitlist-notices.ts`), and reconciles the sold seats with Postgres
 * (`reconcile.ts`). The room's clock never goes back, even across restarts.
 */
import { DurableObject } from "cloudflare:workers";
import { newHoldId } from "../../src/shared/ids";
import { log, step, type LogFields } from "../../src/shared/log";
import type {
  AttachOutcome,
  BlockOutcome,
  BlockRecord,
  CheckoutOutcome,
  ClaimOutcome,
  DoorOutcome,
  DoorScan,
  HoldRecord,
  PaymentHold,
  ReleaseOutcome,
  ReserveCommand,
  ReserveOutcome,
  ReissueOutcome,
  RoomInspection,
  SectionRange,
  Trace,
  SoldBooking,
  TakenSeats,
  UnblockOutcome,
  WaitlistJoin,
  WaitlistJoinOutcome,
  WaitlistLeaveOutcome,
  WaitlistView,
} from "../../src/shared/room-protocol";
import type { RejectionReason, SeatOps } from "../../src/shared/ops";
import { putBackOnSale, returnRefunded, takeOffSale } from "./blocks";
import { watchCancellation, WATCH_EVERY_MS } from "./cancellation-watch";
import { fetchCatalog, fetchCatalogVersion } from "./catalog-source";
import * as door from "./door";
import { settleDuePayments } from "./due-work";
import { loadRoom } from "./load";
import { codeUsage, codeUses } from "./code-uses";
import { findCode } from "./prices";
import { freeQueueSlot } from "./queue-slot";
import { reconcile, RECONCILE_AFTER_LOAD_MS, RECONCILE_EVERY_MS } from "./reconcile";
import { availability, takenSeats, type Availability } from "./counts";
import {
  holdRecord as record,
  isLive,
  isOffer,
  nextExpiry,
  phaseOf,
  planAttach,
  planCheckout,
  planClaim,
  planReserve,
} from "./rules";
import { watchFeed } from "./seat-feed";
import { SeatLedger } from "./seat-ledger";
import * as store from "./storage";
import { DEFAULT_OFFER_SECONDS } from "./waitlist-book";
import { notifyOffers } from "./waitlist-notices";
import { SeatFigures } from "./ops-figures";
import { extendLiveHolds, pausedRejection, pauseView, readPause, writePause, type StoredPause } from "./ops-controls";
import { joinWaitlist, leaveWaitlist, waitlistEntry } from "./waitlist-steps";

const DEFAULT_TTL_SECONDS = 600;
const DEFAULT_GRACE_SECONDS = 120;
const LOG_KEPT = 20_000;

export class SeatRoom extends DurableObject<Env> {
  /** The room's raw clock. Tests move it forward to cross expiries without waiting. */
  now: () => number = () => Date.now();
  /** The latest time the room has acted at (from its storage after a restart): its clock never goes back. */
  private highWater = 0;
  private ledger: SeatLedger | undefined;
  private loading: Promise<SeatLedger | undefined> | undefined;
  private alarmAt: number | null | undefined;
  /** The alarm is running (its armed time is cleared until it re-arms). */
  private alarmRunning = false;
  /** When the sold seats are next compared with Postgres (shortly after every load, then every few minutes while on sale). */
  private reconcileAt: number | undefined;
  /** The live operating figures (ops-figures.ts): memory only, since this instance started. */
  private readonly figures = new SeatFigures(Date.now());
  /** Sales paused by the team running the on-sale (ops-controls.ts); stored, and read back on load. */
  private pause: StoredPause | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Tables are created when the catalog first arrives (load.ts): an id that is not an event writes nothing.
    void ctx.blockConcurrencyWhile(async () => store.migrateIfCreated(ctx.storage.sql));
  }

  // ---- The fan's steps (called by the API) ----

  /** Holds the seats for the fan, all or none. */
  async reserve(command: ReserveCommand): Promise<ReserveOutcome> {
    const ids = { eventId: command.eventId, userId: command.userId, requestId: command.requestId };
    const outcome = await this.timed("room.reserve", ids, () => this.reserveNow(command), (o) => (o.kind === "held" ? { holdId: o.hold.id, seats: o.hold.seats.length } : {}));
    if (outcome.kind === "held") this.figures.count("holdsCreated", this.clock());
    else this.figures.reject(rejectionReason(outcome), this.clock());
    return outcome;
  }

  private async reserveNow(command: ReserveCommand): Promise<ReserveOutcome> {
    const ledger = await this.room(command.eventId);
    if (!ledger) return { kind: "rejected", status: 400, detail: `unknown tickets: no event ${command.eventId}` };
    if (this.pause) return pausedRejection(this.pause);
    const { sql } = ledger;
    const now = this.clock();
    // Waitlist: seats of lapsed holds go to waiting fans first, even if the alarm is late.
    if (ledger.waitlist.hasWaiting) ledger.sweep(now);
    const known = {
      previous: command.idempotencyKey ? store.findHoldByKey(sql, command.eventId, command.userId, command.idempotencyKey) : undefined,
      latest: store.latestHoldOf(sql, command.eventId, command.userId),
    };
    const code = command.code ? findCode(ledger.state.catalog, command.code) : undefined;
    const history = { ...known, codeUses: code ? codeUses(sql, code.id, now, command.userId) : 0 };
    const plan = planReserve(ledger.state, { ...command, holdId: newHoldId(command.eventId) }, now, this.ttlMs(), history);
    if (plan.kind === "replay") return { kind: "held", hold: record(plan.hold) };
    if (plan.kind !== "hold") return plan;
    ledger.place(plan.hold, plan.replaces, command.admission?.session ?? null, now);
    log("info", "hold_created", { requestId: command.requestId, eventId: command.eventId, holdId: plan.hold.id, userId: command.userId, seats: plan.hold.seats.length, expiresAt: plan.hold.expiresAt, replaces: plan.replaces?.id });
    await this.armAlarm(plan.hold.expiresAt);
    await this.armForPayments(ledger);
    return { kind: "held", hold: record(plan.hold) };
  }

  /** The fan's own hold, with its effective state (expired once past its expiry). */
  async getHold(eventId: string, holdId: string, userId: string): Promise<HoldRecord | null> {
    const hold = (await this.room(eventId))?.find(holdId);
    if (!hold || hold.userId !== userId) return null;
    return record(hold, this.clock());
  }

  /** The fan gives the seats back; they are free at once. A payment started for them is cancelled by the alarm. */
  async release(eventId: string, holdId: string, userId: string, trace?: Trace): Promise<ReleaseOutcome> {
    return this.timed("room.release", { eventId, holdId, userId, requestId: trace?.requestId }, () => this.releaseNow(eventId, holdId, userId, trace));
  }

  private async releaseNow(eventId: string, holdId: string, userId: string, trace?: Trace): Promise<ReleaseOutcome> {
    const ledger = await this.room(eventId);
    const hold = ledger?.find(holdId);
    if (!ledger || !hold || hold.userId !== userId) return { kind: "rejected", status: 404, detail: "no such hold" };
    const now = this.clock();
    if (!isLive(hold, now)) return { kind: "ended" };
    if (hold.state === "booking") return { kind: "rejected", status: 409, detail: "this payment is already being completed", state: hold.state };
    this.ctx.storage.transactionSync(() => ledger.endHold(hold, "released", "released", now));
    ledger.offerReturns(now);
    await this.armForPayments(ledger);
    // A declined waitlist offer is not the fan's waiting-room session: their place in line stays.
    if (!isOffer(hold)) await freeQueueSlot(this.env, ledger, userId, "released", this.clock(), trace);
    return { kind: "released" };
  }

  /** Checkout starts: held → paying, extended once per window by the grace. The hold carries its payment once attached. */
  async checkout(eventId: string, holdId: string, userId: string, trace?: Trace): Promise<CheckoutOutcome> {
    return this.timed("room.checkout", { eventId, holdId, userId, requestId: trace?.requestId }, () => this.checkoutNow(eventId, holdId, userId));
  }

  private async checkoutNow(eventId: string, holdId: string, userId: string): Promise<CheckoutOutcome> {
    const ledger = await this.room(eventId);
    if (!ledger) return { kind: "rejected", status: 404, detail: "no such hold" };
    const plan = planCheckout(ledger.state, ledger.find(holdId), userId, this.clock(), this.graceMs());
    if (plan.kind !== "paying") return plan;
    if (plan.changed) {
      ledger.update(plan.hold);
      await this.armAlarm(plan.hold.expiresAt);
    }
    return { kind: "paying", hold: record(plan.hold) };
  }

  /** Records the payment intent of a paying hold. Refused (never undone) when the hold moved on. */
  async attachPayment(eventId: string, holdId: string, paymentIntentId: string, trace?: Trace): Promise<AttachOutcome> {
    return this.timed("room.attach_payment", { eventId, holdId, paymentIntentId, requestId: trace?.requestId }, () => this.attachNow(eventId, holdId, paymentIntentId));
  }

  private async attachNow(eventId: string, holdId: string, paymentIntentId: string): Promise<AttachOutcome> {
    const ledger = await this.room(eventId);
    if (!ledger) return { kind: "rejected", status: 404, detail: "no such hold" };
    const plan = planAttach(ledger.find(holdId), paymentIntentId, this.clock());
    if (plan.kind !== "attached") return plan;
    if (plan.changed) ledger.update(plan.hold);
    return { kind: "attached", hold: record(plan.hold) };
  }

  // ---- The booking lifecycle's steps (src/lifecycle/settle.ts) ----

  /** How the hold stands for this payment. */
  async paymentHold(eventId: string, holdId: string, paymentIntentId: string): Promise<PaymentHold> {
    const hold = (await this.room(eventId))?.find(holdId);
    const now = this.clock();
    return { phase: phaseOf(hold, paymentIntentId, now), hold: hold ? record(hold, now) : null };
  }

  /** An authorized payment: its hold's seats are claimed for booking (held again if they are still free), or refused. */
  async claim(eventId: string, holdId: string, paymentIntentId: string, authorized: { amountCents: number; currency: string }, trace?: Trace): Promise<ClaimOutcome> {
    const ids = { eventId, holdId, paymentIntentId, requestId: trace?.requestId };
    const outcome = await this.timed("room.claim", ids, () => this.claimNow(eventId, holdId, paymentIntentId, authorized));
    this.figures.count(outcome.kind === "claimed" ? "authorized" : "paymentsFailed", this.clock());
    return outcome;
  }

  private async claimNow(eventId: string, holdId: string, paymentIntentId: string, authorized: { amountCents: number; currency: string }): Promise<ClaimOutcome> {
    const ledger = await this.room(eventId);
    if (!ledger) return { kind: "refused", reason: "unknown event" };
    const now = this.clock();
    // Waitlist: a lapsed hold's seats went to waiting fans before its late payment may take them back.
    if (ledger.waitlist.hasWaiting) ledger.sweep(now);
    const plan = planClaim(ledger.state, ledger.find(holdId), paymentIntentId, authorized, now, (codeId) => codeUses(ledger.sql, codeId, now, null));
    if (plan.kind === "refused") return plan;
    ledger.claim(plan.hold, plan.rehold, now);
    await this.armAlarm(plan.hold.expiresAt);
    await this.armForPayments(ledger);
    return { kind: "claimed", hold: record(plan.hold) };
  }

  /** The Postgres fence says this claim is ended: its seats are free and it can never be booked. */
  async abandonClaim(eventId: string, holdId: string, paymentIntentId: string, reason: string, trace?: Trace): Promise<PaymentHold> {
    const ledger = await this.room(eventId);
    const hold = ledger?.find(holdId);
    if (ledger && hold && !hold.fenced && hold.state !== "booked") {
      ledger.abandon(hold, this.clock());
      log("warn", "claim_abandoned", { requestId: trace?.requestId, eventId, holdId, paymentIntentId, reason });
      await this.armForPayments(ledger);
    }
    return this.paymentHold(eventId, holdId, paymentIntentId);
  }

  /**
   * Postgres has the booking: its seats are sold. Postgres is the system of
   * record, so this wins over any hold on those seats (see `SeatLedger.sell`
   * for what it never does).
   */
  async markSold(eventId: string, holdId: string, paymentIntentId: string, booking: SoldBooking, trace?: Trace): Promise<PaymentHold> {
    return this.timed("room.mark_sold", { eventId, holdId, bookingId: booking.id, userId: booking.userId, seats: booking.seats.length, requestId: trace?.requestId }, async () => {
      const ledger = await this.room(eventId);
      if (ledger) {
        const changed = ledger.sell(holdId, booking, "booked", this.clock());
        await this.armForPayments(ledger);
        if (changed) await freeQueueSlot(this.env, ledger, booking.userId, "booked", this.clock(), trace);
      }
      return this.paymentHold(eventId, holdId, paymentIntentId);
    });
  }

  /** A voided booking's seats are free again, and its hold ends with it. */
  async returnSeats(eventId: string, holdId: string, paymentIntentId: string, bookingId: string, status: "cancelled" | "refunded", trace?: Trace): Promise<PaymentHold> {
    return this.timed("room.return_seats", { eventId, holdId, bookingId, requestId: trace?.requestId, voided: status }, async () => {
      const ledger = await this.room(eventId);
      if (ledger) {
        ledger.giveBack(holdId, bookingId, status, this.clock());
        await this.armForPayments(ledger);
      }
      return this.paymentHold(eventId, holdId, paymentIntentId);
    });
  }

  /** The payment was cancelled: a hold still paying with it ends. */
  async paymentCancelled(eventId: string, holdId: string, paymentIntentId: string, trace?: Trace): Promise<PaymentHold> {
    return this.timed("room.payment_cancelled", { eventId, holdId, paymentIntentId, requestId: trace?.requestId }, () => this.paymentCancelledNow(eventId, holdId, paymentIntentId));
  }

  private async paymentCancelledNow(eventId: string, holdId: string, paymentIntentId: string): Promise<PaymentHold> {
    const ledger = await this.room(eventId);
    const hold = ledger?.state.holds.get(holdId);
    const now = this.clock();
    if (ledger && hold && phaseOf(hold, paymentIntentId, now) === "open") {
      this.ctx.storage.transactionSync(() => ledger.endHold(hold, "released", "payment_cancelled", now));
      ledger.offerReturns(now);
      await this.armForPayments(ledger);
    }
    return this.paymentHold(eventId, holdId, paymentIntentId);
  }

  // ---- Operations (ops-controls.ts, ops-figures.ts; called by the ops API) ----

  /** The live operating figures, with the seats of each of `sections` (consecutive seat ranges, from the venue). */
  async opsFigures(eventId: string, sections: SectionRange[]): Promise<SeatOps | null> {
    const ledger = await this.room(eventId);
    if (!ledger) return null;
    this.sweepIfLate(ledger);
    const now = this.clock();
    const seats = availability(ledger.state, now);
    const rate = this.figures.takeRate(now);
    const { countingSince, createdThisMinute, conversion, medianSecondsToPay, health, totals, history } = this.figures.view(now);
    return {
      seq: ledger.live.currentSeq,
      countingSince,
      paused: pauseView(this.pause),
      seats: { ...seats, bySection: sections.map((s) => ({ name: s.name, total: s.count, ...ledger.live.countRange(s.first, s.count) })) },
      sellOut: { seatsPerMinute: Math.round(rate * 10) / 10, etaSeconds: rate > 0 && seats.available > 0 ? Math.round((seats.available / rate) * 60) : null },
      holds: { live: [...ledger.state.holds.values()].filter((h) => isLive(h, now)).length, createdThisMinute, conversion, medianSecondsToPay },
      health,
      totals,
      history,
    };
  }

  /** Refuses new holds (503 with Retry-After) until resumed; holds already made go on. Answers the pause before and after. */
  async pauseSales(eventId: string, request: { reason: string; by: string; retryAfterSeconds: number; requestId?: string }) {
    const ledger = await this.room(eventId);
    if (!ledger) return null;
    const before = pauseView(this.pause);
    const { requestId, ...asked } = request;
    const pause: StoredPause = { since: this.pause?.since ?? this.clock(), ...asked };
    writePause(ledger.sql, pause);
    this.pause = pause;
    // The reason is the audit's (Postgres), not the logs': free text may name people.
    log("warn", "sales_paused", { requestId, eventId, userId: request.by, retryAfterSeconds: request.retryAfterSeconds });
    return { before, after: pauseView(pause) };
  }

  async resumeSales(eventId: string, by: string, trace?: Trace) {
    const ledger = await this.room(eventId);
    if (!ledger) return null;
    const before = pauseView(this.pause);
    writePause(ledger.sql, null);
    this.pause = null;
    log("info", "sales_resumed", { requestId: trace?.requestId, eventId, userId: by });
    return { before, after: null };
  }

  /** Every live hold fans can still pay for gets `minutes` more (after an incident). */
  async extendHolds(eventId: string, request: { minutes: number; by: string; requestId?: string }) {
    const ledger = await this.room(eventId);
    if (!ledger) return null;
    const extended = extendLiveHolds(ledger, request.minutes, this.clock());
    log("warn", "holds_extended", { requestId: request.requestId, eventId, userId: request.by, minutes: request.minutes, holds: extended.holds });
    return extended;
  }

  /** Holds the API refused before asking the room (rate limits, bad admission tokens), batched per isolate. */
  async noteRejections(eventId: string, counts: Partial<Record<RejectionReason, number>>): Promise<void> {
    const now = this.clock();
    for (const [reason, n] of Object.entries(counts)) this.figures.reject(reason as RejectionReason, now, Math.min(1_000_000, Math.max(0, Math.floor(n ?? 0))));
  }

  // ---- Reads ----

  /** Live counts of the event's tickets and the sequence number they reflect. */
  async availability(eventId: string): Promise<(Availability & { seq: number }) | null> {
    const ledger = await this.room(eventId);
    if (!ledger) return null;
    return { ...availability(ledger.state, this.clock()), seq: store.lastSeq(ledger.sql) };
  }

  /** Seats in live holds (not sold) and blocked seats, in seat order. */
  async takenSeats(eventId: string): Promise<TakenSeats> {
    const ledger = await this.room(eventId);
    return ledger ? takenSeats(ledger.state, this.clock()) : { held: [], blocked: [] };
  }

  // ---- The box office (called by the organizer API) ----

  /** Takes seats off sale, all or none; refused with the seats that are sold, held or blocked already. */
  async block(eventId: string, request: { seats: number[]; reason: string; by: string }): Promise<BlockOutcome> {
    const ledger = await this.room(eventId);
    return ledger ? takeOffSale(ledger, request, this.clock()) : { kind: "rejected", status: 404, detail: `no event ${eventId}` };
  }

  /** Releases a block: its seats are on sale again at once. */
  async unblock(eventId: string, blockId: string): Promise<UnblockOutcome> {
    const ledger = await this.room(eventId);
    if (!ledger) return { kind: "rejected", status: 404, detail: "no such block" };
    const outcome = putBackOnSale(ledger, blockId, this.clock());
    await this.armForPayments(ledger);
    return outcome;
  }

  /** An organizer refunded these tickets of a booking: see `returnRefunded`. */
  async returnTickets(eventId: string, bookingId: string, seats: number[], keepBack: { reason: string; by: string } | null): Promise<number[]> {
    const ledger = await this.room(eventId);
    if (!ledger) return [];
    const returned = returnRefunded(ledger, bookingId, seats, keepBack, this.clock());
    await this.armForPayments(ledger);
    return returned;
  }

  /** The event's live blocks, oldest first. */
  async blocks(eventId: string): Promise<BlockRecord[]> {
    const ledger = await this.room(eventId);
    return ledger ? [...ledger.state.blocks.values()] : [];
  }

  /** How often each code is used: reserved by live holds, spent by booked ones (the organizer's list of codes). */
  async codeUsage(eventId: string): Promise<Record<string, { reserved: number; spent: number }>> {
    const ledger = await this.room(eventId);
    return ledger ? codeUsage(ledger.sql, this.clock()) : {};
  }

  // ---- The waitlist (waitlist.ts; called by the fan API) ----

  /** A fan waits for returned seats of a sold-out event (or section); asking again is the same entry. */
  async joinWaitlist(command: WaitlistJoin): Promise<WaitlistJoinOutcome> {
    const ledger = await this.room(command.eventId);
    if (!ledger) return { kind: "rejected", status: 404, detail: `no event ${command.eventId}` };
    const now = this.clock();
    // Seats of lapsed holds are counted (and offered) before the fan is told whether the event is sold out.
    ledger.sweep(now);
    const outcome = joinWaitlist(ledger, command, now);
    await this.armForPayments(ledger);
    return outcome;
  }

  /** The fan's waitlist entry, or null. */
  async waitlistEntry(eventId: string, userId: string): Promise<WaitlistView | null> {
    const ledger = await this.room(eventId);
    if (!ledger) return null;
    this.sweepIfLate(ledger);
    const entry = waitlistEntry(ledger, userId, this.clock());
    await this.armForPayments(ledger);
    return entry;
  }

  /** The fan leaves the waitlist; an open offer is released (to the next fan). */
  async leaveWaitlist(eventId: string, userId: string): Promise<WaitlistLeaveOutcome> {
    const ledger = await this.room(eventId);
    if (!ledger) return { kind: "rejected", status: 404, detail: "you are not on this event's waitlist" };
    const outcome = leaveWaitlist(ledger, userId, this.clock());
    await this.armForPayments(ledger);
    return outcome;
  }

  // ---- The door (door.ts) ----

  /** A scan at a gate (or uploaded from a device that admitted it offline): admitted once, whichever gate is first. */
  async admit(eventId: string, scan: Omit<DoorScan, "at"> & { at?: number }): Promise<DoorOutcome> {
    const ledger = await this.room(eventId);
    if (!ledger) return { kind: "void", detail: "no such event" };
    const now = this.clock();
    return door.admit(ledger.state, ledger.sql, { ...scan, at: scan.at ?? now }, now);
  }

  /** A transfer: the seats' older codes stop opening the door, all or none (refused once admitted). */
  async reissue(eventId: string, request: { bookingId: string; seats: { seat: number; toVersion: number }[] }): Promise<ReissueOutcome> {
    const ledger = await this.room(eventId);
    return ledger ? door.reissue(ledger.state, ledger.sql, request) : { kind: "void", seat: request.seats[0]?.seat ?? 0 };
  }

  /** A transfer that could not be recorded in Postgres gives its codes back. */
  async restoreCodes(eventId: string, request: { bookingId: string; seats: { seat: number; toVersion: number; fromVersion: number }[] }): Promise<void> {
    const ledger = await this.room(eventId);
    if (ledger) door.restoreCodes(ledger.state, ledger.sql, request);
  }

  /** Admitted / total, and conflicts from offline devices. */
  async doorStats(eventId: string): Promise<ReturnType<typeof door.doorStats> | null> {
    const ledger = await this.room(eventId);
    return ledger ? door.doorStats(ledger.state, ledger.sql) : null;
  }

  /** The admissions and conflicts recorded after `since` (all without it), for door kits. */
  async doorRecord(eventId: string, since?: door.DoorCursor): Promise<ReturnType<typeof door.doorRecord> | null> {
    const ledger = await this.room(eventId);
    return ledger ? door.doorRecord(ledger.sql, since) : null;
  }

  /** The admissions of some seats (a fan's tickets, a ticket's history). */
  async admissions(eventId: string, seats: number[]): Promise<ReturnType<typeof door.admissionsOf>> {
    const ledger = await this.room(eventId);
    return ledger ? door.admissionsOf(ledger.sql, seats) : [];
  }

  /** The seat snapshot: one status digit per seat index (see STATUS_CODES) and its seq. */
  async seats(eventId: string): Promise<{ seq: number; statuses: string } | null> {
    const ledger = await this.room(eventId);
    if (!ledger) return null;
    this.sweepIfLate(ledger);
    return ledger.live.snapshot();
  }

  /**
   * Ends holds whose expiry passed while the alarm is late (as a read here
   * does) and answers the seq the seat map is then at: a relay catches its
   * copy up to it before it serves a new watcher.
   */
  async sweepLate(eventId: string): Promise<number | null> {
    const ledger = await this.room(eventId);
    if (!ledger) return null;
    this.sweepIfLate(ledger);
    return ledger.live.currentSeq;
  }

  /** Stored seat changes after `after` (a relay filling in a resuming watcher), or undefined past the log's reach. */
  async seatChanges(eventId: string, after: number, limit: number) {
    const ledger = await this.room(eventId);
    return ledger ? store.changesSince(ledger.sql, after, limit) : undefined;
  }

  /** `GET /seats/stream?eventId=…`: the live seat feed (streams are the one thing not done over RPC). */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const eventId = url.searchParams.get("eventId") ?? "";
    if (url.pathname !== "/seats/stream") return new Response("not found", { status: 404 });
    const ledger = await this.room(eventId);
    if (!ledger) return new Response("no such event", { status: 404 });
    this.sweepIfLate(ledger);
    return watchFeed(ledger.live.feed, request, this.env);
  }

  /** How many watchers the seat feed has (for tests and the benchmark). */
  async watchers(): Promise<number> {
    return this.ledger?.live.feed.watching ?? 0;
  }

  /** What the invariant checker needs; null for a room that never opened (nothing to check, nothing created). */
  async inspect(eventId: string): Promise<RoomInspection | null> {
    if (!store.readCatalog(this.ctx.storage.sql)) return null;
    const ledger = await this.room(eventId);
    return ledger ? ledger.inspect(this.clock(), this.ttlMs() + this.graceMs(), ledger.waitlist.offerMs + this.graceMs()) : null;
  }

  /**
   * The organizer changed the event: reload prices, limits and times. A
   * room that never opened has nothing to change, unless the event was
   * cancelled: then it opens, to refuse every hold and to watch the refund
   * job until it is done.
   */
  async catalogChanged(eventId: string): Promise<void> {
    const catalog = await fetchCatalog(this.env, eventId);
    if (!catalog || (!catalog.cancelled && !store.readCatalog(this.ctx.storage.sql))) return;
    const ledger = await this.room(eventId);
    if (!ledger) return;
    // Applied after the I/O, to the holds as they are now.
    ledger.changeCatalog(catalog, this.clock());
    await this.armForPayments(ledger);
    if (catalog.cancelled) await this.armAlarm(this.clock() + WATCH_EVERY_MS);
  }

  // ---- Due work ----

  /** Ends lapsed holds, settles due payments, reconciles with Postgres, then re-arms. Safe to run twice. */
  override async alarm(): Promise<void> {
    this.alarmRunning = true;
    try {
      await this.runDueWork();
    } finally {
      this.alarmRunning = false;
    }
  }

  private async runDueWork(): Promise<void> {
    const catalog = store.readCatalog(this.ctx.storage.sql);
    this.alarmAt = null;
    if (!catalog) return;
    const ledger = await this.room(catalog.eventId);
    if (!ledger) return;
    ledger.paymentsScheduled = false;
    ledger.waitlist.noticesDue = false;
    ledger.sweep(this.clock());
    await settleDuePayments(this.env, ledger, this, () => this.clock());
    await notifyOffers(this.env, ledger, () => this.clock());
    if (this.reconcileAt !== undefined && this.reconcileAt <= this.clock()) await this.reconcileNow(ledger);
    store.pruneEvents(ledger.sql, LOG_KEPT);
    const watching = ledger.state.catalog.cancelled ? await watchCancellation(this.env, catalog.eventId) : false;
    const times = [
      nextExpiry(ledger.state, this.clock()),
      store.nextPaymentDue(ledger.sql),
      ledger.waitlist.nextNoticeDue(),
      this.reconcileAt,
      watching ? this.clock() + WATCH_EVERY_MS : undefined,
    ].filter(
      (t): t is number => t !== undefined,
    );
    if (times.length > 0) await this.armAlarm(Math.min(...times));
  }

  private async reconcileNow(ledger: SeatLedger): Promise<void> {
    const now = this.clock();
    this.reconcileAt = now < ledger.state.catalog.startsAt ? now + RECONCILE_EVERY_MS : undefined;
    try {
      // A change told while the room was loading (or a notice lost) is picked up here: the catalog only moves forward.
      // The version is one row; the whole catalog (its prices are a pass over every ticket) is read only when it moved.
      const version = await fetchCatalogVersion(this.env, ledger.state.catalog.eventId);
      if (version !== undefined && version > (ledger.state.catalog.version ?? 0)) {
        const catalog = await fetchCatalog(this.env, ledger.state.catalog.eventId);
        if (catalog) ledger.changeCatalog(catalog, this.clock());
      }
      await reconcile(this.env, ledger.state, {
        seq: () => store.lastSeq(ledger.sql),
        changedSince: (seat, seq) => ledger.changedSince(seat, seq),
        sell: (holdId, booking) => ledger.sell(holdId, booking, "reconcile_sold", this.clock()),
        free: (seats) => ledger.free(seats, "reconcile_freed", this.clock()),
      });
    } catch (error) {
      log("warn", "reconcile_failed", { eventId: ledger.state.catalog.eventId, message: String(error) });
      this.reconcileAt = now + RECONCILE_EVERY_MS;
    }
  }

  /** A read that finds the alarm late ends due holds itself, so watchers see expiry on time. */
  /** Reads end lapsed holds themselves when the alarm is late, or still running (awaiting Postgres or mail): expiry is exact on every read. */
  private sweepIfLate(ledger: SeatLedger): void {
    const now = this.clock();
    if (this.alarmRunning || (this.alarmAt !== null && this.alarmAt !== undefined && this.alarmAt <= now)) ledger.sweep(now);
  }

  private async room(eventId: string): Promise<SeatLedger | undefined> {
    if (this.ledger) return this.ledger;
    this.loading ??= this.load(eventId).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Rebuilds memory from SQLite, or first fills SQLite from Postgres; a reconciliation follows shortly. */
  private async load(eventId: string): Promise<SeatLedger | undefined> {
    const loaded = await loadRoom(this.ctx.storage, this.env, eventId);
    if (!loaded) return undefined;
    this.highWater = Math.max(this.highWater, store.latestTime(this.ctx.storage.sql));
    this.alarmAt = await this.ctx.storage.getAlarm();
    this.ledger = new SeatLedger(this.ctx.storage, loaded.state, loaded.live);
    this.ledger.figures = this.figures;
    this.pause = readPause(this.ctx.storage.sql);
    this.ledger.waitlist.offerMs = seconds(this.env.WAITLIST_OFFER_SECONDS, DEFAULT_OFFER_SECONDS) * 1000;
    this.reconcileAt = this.clock() + RECONCILE_AFTER_LOAD_MS;
    await this.armAlarm(this.reconcileAt);
    return this.ledger;
  }

  /** A step ended a hold that has a payment, or offered seats to the waitlist (mail to write): the alarm runs now. */
  private async armForPayments(ledger: SeatLedger): Promise<void> {
    if (!ledger.paymentsScheduled && !ledger.waitlist.noticesDue) return;
    ledger.paymentsScheduled = false;
    ledger.waitlist.noticesDue = false;
    await this.armAlarm(this.clock());
  }

  /** Keeps the one alarm at the earliest due work. */
  private async armAlarm(at: number): Promise<void> {
    if (this.alarmAt !== undefined && this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  /**
   * Runs a step of a hold's life: times it for the figures' health, counts a
   * failure, and logs one `room.*` step line (and its Analytics Engine
   * datapoint) with the caller's request id, the ids and the outcome.
   */
  private async timed<T extends { kind: string; status?: number } | { phase: string }>(
    name: string,
    ids: LogFields,
    work: () => Promise<T>,
    more: (outcome: T) => LogFields = () => ({}),
  ): Promise<T> {
    const started = Date.now();
    let outcome = "error";
    try {
      const result = await work();
      outcome = "phase" in result ? result.phase : result.status ? `${result.kind}:${result.status}` : result.kind;
      Object.assign(ids, more(result));
      return result;
    } catch (error) {
      this.figures.count("errors", this.clock());
      Object.assign(ids, { message: String(error) });
      throw error;
    } finally {
      const durationMs = Date.now() - started;
      this.figures.step(durationMs);
      step(this.env, { step: name, ...ids, outcome, durationMs }, outcome === "error" ? "error" : "info");
    }
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

/** Why a reserve was refused, for the figures. */
function rejectionReason(outcome: Exclude<ReserveOutcome, { kind: "held" }>): RejectionReason {
  if (outcome.kind === "unavailable") return "sold_out";
  if (outcome.status === 503) return "paused";
  if (outcome.status === 403) return "no_admission";
  return /tickets per fan/.test(outcome.detail) ? "limit" : "other";
}

function seconds(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}
