/**
 * QueueRoom: the waiting room of one queue-enabled event
 * (`QUEUE_ROOM.getByName(eventId)`). It hands out places (a lottery rank to
 * fans who come before the on-sale time, a join sequence after), admits
 * batches on its alarm, and mints admission tokens that the API checks on
 * `reserve` without calling back here. Its rules are in `admission.ts`.
 *
 * Storage (`fans.ts`): one state row (settings, seed, counters, watermarks)
 * and one row per fan: their place, and whether they wait, shop (admitted,
 * bounded by `maxActive`) or are done. A fan has one place per event; an
 * ended place stays ended. The order itself is counters and watermarks, so
 * status and admission are O(1) per request.
 *
 * The seed of the lottery is drawn when the queue is set up; its SHA-256 is
 * shown from the start and the seed itself once the sale opens, so the draw
 * can be audited.
 */
import { DurableObject } from "cloudflare:workers";
import { log } from "../../src/shared/log";
import { lotteryRank, resolveSettings, sha256Hex, signAdmission, type Place, type QueueSettings } from "../../src/shared/queue";
import type { QueueOps } from "../../src/shared/ops";
import {
  type DrawRecord,
  type JoinOutcome,
  type LeaveOutcome,
  type QueueEndReason,
  type QueueView,
  type Trace,
  type StatusOutcome,
} from "../../src/shared/room-protocol";
import { refusedStream, streamAsker } from "../../src/shared/stream-caps";
import { canIssue, isOpen, lateWaiting, tick, view, type QueueState } from "./admission";
import { fetchQueueConfig } from "./config-source";
import * as fans from "./fans";
import { QueueFigures, waitingNow } from "./ops-figures";
import { PositionFeed } from "./position-feed";

export class QueueRoom extends DurableObject<Env> {
  /** The room's clock; tests move it. */
  now: () => number = () => Date.now();
  private state: QueueState | undefined;
  private loading: Promise<QueueState | undefined> | undefined;
  private readonly feed = new PositionFeed();
  /** Nothing is free to the public at the last tick: fans in line are told so, and offered the event's waitlist. */
  private soldOut = false;
  /** The live operating figures (ops-figures.ts): memory only, since this instance started. */
  private readonly figures = new QueueFigures();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Tables appear only once the room knows its event has a waiting room (`fresh`).
    void ctx.blockConcurrencyWhile(async () => {
      if (fans.hasTables(ctx.storage.sql)) fans.create(ctx.storage.sql);
    });
  }

  /**
   * The fan's place in line: the one they have if their session has not
   * ended (whatever tab or device asks), else a new one: by lottery before
   * the on-sale time, at the back after it.
   */
  async join(eventId: string, userId: string): Promise<JoinOutcome> {
    const state = await this.load(eventId);
    if (!state?.settings.enabled) return { kind: "rejected", status: 409, detail: "this event has no waiting room; go straight to the seats" };
    if (state.settings.closed) return { kind: "rejected", status: 409, detail: "the waiting room is closed" };
    const now = this.now();
    const early = !isOpen(state, now);
    const rank = early ? await lotteryRank(state.seed, userId) : undefined;
    // From here nothing awaits: the fan's row is read and written in one step.
    const sql = this.ctx.storage.sql;
    const fan = fans.current(sql, userId, now);
    if (fan && fan.state !== "ended") {
      const place = fan.place ?? fans.FIRST_RELEASE_PLACE;
      if (!fan.place) fans.adoptPlace(sql, userId, place);
      return { kind: "joined", place, view: this.viewOf(fan, place, now) };
    }
    const current = this.current();
    let place: Place;
    if (rank !== undefined) {
      // A fan who left before the sale keeps their draw; the lottery counts each fan once.
      place = { kind: "early", rank };
      if (!fan) this.save({ ...current, earlyCount: current.earlyCount + 1 });
    } else {
      place = { kind: "late", seq: current.lateCount };
      this.save({ ...current, opened: true, lateCount: current.lateCount + 1, lateWaiting: lateWaiting(current) + 1 });
    }
    fans.wait(sql, userId, place, now);
    this.figures.joined(now, this.waiting(now));
    await this.armTick();
    return { kind: "joined", place, view: view(this.current(), place, now, undefined) };
  }

  /**
   * Where the fan stands, given the place their ticket shows; once their turn
   * has come, an admission token. A ticket of a place that ended (or that a
   * later join replaced) says `ended`: it cannot be revived.
   */
  async status(eventId: string, userId: string, place: Place, trace?: Trace): Promise<StatusOutcome> {
    const state = await this.load(eventId);
    if (!state?.settings.enabled) return { kind: "rejected", status: 409, detail: "this event has no waiting room" };
    const now = this.now();
    const sql = this.ctx.storage.sql;
    const fan = fans.current(sql, userId, now);
    if (!fan) {
      // No row: a ticket signed by the first release, which kept none. A place
      // it had not admitted yet is adopted; one it had is done.
      if (!fans.waitingSinceFirstRelease(sql, place)) return { kind: "status", view: { state: "ended", reason: "replaced" } };
      fans.wait(sql, userId, place, now);
    } else if (fan.place === null) {
      fans.adoptPlace(sql, userId, place);
    } else if (!fans.samePlace(fan.place, place)) {
      return { kind: "status", view: { state: "ended", reason: "replaced" } };
    }
    if (fan?.state === "ended") return { kind: "status", view: { state: "ended", reason: fan.endedReason ?? "cancelled" } };
    let session = fan?.state === "admitted" ? fan.session : undefined;
    if (!session) {
      const current = view(state, place, now, this.soldOut ? 0 : undefined);
      if (current.state !== "admitted") return { kind: "status", view: current };
      // Paused or closed: no new shopping sessions, even for places already under the watermark.
      if (state.settings.paused) return { kind: "status", view: { state: "paused", ahead: 0 } };
      if (state.settings.closed) return { kind: "status", view: { state: "closed" } };
      if (!canIssue(state, fans.shopping(sql))) {
        return { kind: "status", view: { state: "waiting", ahead: 0, etaSeconds: state.settings.tickSeconds } };
      }
      session = { sessionId: crypto.randomUUID(), expiresAt: now + state.settings.sessionMinutes * 60_000 };
      fans.admit(sql, userId, session);
      this.save({ ...state, tickIssued: state.tickIssued + 1, admittedTotal: state.admittedTotal + 1 });
      // The lottery's fans waited from the opening, not from when they came.
      this.figures.admitted(now, now - Math.max(fan?.joinedAt ?? now, state.onSaleAt), this.waiting(now));
      log("info", "queue_admitted", { requestId: trace?.requestId, eventId, userId, sessionId: session.sessionId, waitedMs: now - Math.max(fan?.joinedAt ?? now, state.onSaleAt) });
    }
    const token = await signAdmission(this.env, { userId, eventId, ...session });
    return { kind: "admitted", token, expiresAt: session.expiresAt };
  }

  /** The fan's place ends: they booked or gave their seats back (the SeatRoom says so), or they left the line. */
  async leave(eventId: string, userId: string, reason: QueueEndReason, trace?: Trace): Promise<LeaveOutcome> {
    if (!(await this.load(eventId))) return { kind: "rejected", status: 409, detail: "this event has no waiting room" };
    const sql = this.ctx.storage.sql;
    const fan = fans.find(sql, userId);
    if (reason === "cancelled" && fan?.state === "admitted") {
      return { kind: "rejected", status: 409, detail: "it is your turn: release your seats instead of leaving the line" };
    }
    if (!fans.end(sql, userId, reason)) return { kind: "not-in-line" };
    log("info", "queue_left", { requestId: trace?.requestId, eventId, userId, reason });
    // A late place that ends while waiting no longer counts ahead of anyone.
    const current = this.current();
    if (fan?.place?.kind === "late" && fan.state === "waiting" && fan.place.seq >= current.lateWatermark) {
      this.save({ ...current, lateWaiting: Math.max(0, lateWaiting(current) - 1) });
    }
    return { kind: "left" };
  }

  /**
   * The organizer changed the queue settings or the on-sale time. `version`
   * is the event row's update time: two changes made at once may arrive in
   * either order, and the older one is ignored (callers of the previous
   * release send none, and are applied as they come).
   */
  async configure(eventId: string, settings: QueueSettings, onSaleAt: number | null, version?: number): Promise<void> {
    const state = (await this.load(eventId)) ?? (await this.fresh(eventId, settings, onSaleAt));
    if (version !== undefined && state.configuredVersion !== undefined && version < state.configuredVersion) return;
    this.save({ ...state, settings: resolveSettings(settings), onSaleAt: onSaleAt ?? state.onSaleAt, ...(version !== undefined ? { configuredVersion: version } : {}) });
    await this.armTick();
  }

  /** The live operating figures of the line; null for an event without a waiting room. */
  async opsFigures(eventId: string): Promise<QueueOps | null> {
    const state = await this.load(eventId);
    if (!state) return null;
    return this.figures.view(state, this.now(), this.activeSessions());
  }

  /** What an auditor needs: the seed's hash always, the seed once the sale has opened. */
  async draw(eventId: string): Promise<DrawRecord | null> {
    const state = await this.load(eventId);
    if (!state) return null;
    const opened = isOpen(state, this.now());
    return {
      seedHash: state.seedHash,
      seed: opened ? state.seed : null,
      opened,
      earlyCount: state.earlyCount,
      lateCount: state.lateCount,
      admittedTotal: state.admittedTotal,
      rank: "HMAC-SHA256(key = seed bytes, message = user id); the first 52 bits / 2^52; lower ranks go first",
    };
  }

  /**
   * `GET /stream`: a fan's position over SSE until admitted (the API has
   * verified the ticket). One stream per fan, and at most STREAMS_PER_ADDRESS
   * per client address: beyond either, 429.
   */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const eventId = url.searchParams.get("eventId") ?? "";
    const place = JSON.parse(request.headers.get("x-place") ?? "null") as Place | null;
    const { owner, limits } = streamAsker(request, this.env, 1);
    const state = await this.load(eventId);
    if (!state?.settings.enabled || !place || !owner.user) return new Response("no waiting room", { status: 404 });
    const body = await this.feed.open({ ...owner, userId: owner.user, place }, limits, (user, at) => this.status(eventId, user, at));
    if (typeof body === "string") return refusedStream(body);
    await this.armTick();
    return new Response(body, {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "content-encoding": "identity" },
    });
  }

  /** How many streams are open, by address and in all (for tests and the memory measurement). */
  async openStreams(): Promise<number> {
    return this.feed.watching;
  }

  /** One admission tick; re-arms while anyone waits or shops. Safe to run twice. */
  override async alarm(): Promise<void> {
    const stored = this.readState();
    if (!stored) return;
    const state = await this.load(stored.eventId);
    if (!state?.settings.enabled) return;
    const now = this.now();
    fans.lapse(this.ctx.storage.sql, now);
    const seatsLeft = isOpen(state, now) ? await this.seatsLeft(state.eventId) : Number.MAX_SAFE_INTEGER;
    const sql = this.ctx.storage.sql;
    const result = tick(this.current(), now, this.activeSessions(), seatsLeft, (from, quota) => fans.advanceLate(sql, from, this.current().lateCount, quota));
    this.save(result.state);
    this.figures.ticked(now, this.waiting(now));
    await this.feed.tellAll((user, place) => this.status(state.eventId, user, place), this.soldOut ? 0 : undefined);
    if (!isOpen(result.state, now)) await this.ctx.storage.setAlarm(result.state.onSaleAt);
    else if (result.waiting || this.feed.watching > 0 || this.activeSessions() > 0) await this.ctx.storage.setAlarm(now + result.state.settings.tickSeconds * 1000);
  }

  private async seatsLeft(eventId: string): Promise<number> {
    try {
      const counts = await this.env.SEAT_ROOM.getByName(eventId).availability(eventId);
      // Sold out for the fans in line: nothing free to the public (seats in holds may still come back, to the waitlist first).
      this.soldOut = counts ? counts.available === 0 : false;
      return counts ? counts.available + counts.held : 0;
    } catch (error) {
      log("warn", "queue_seat_count_unavailable", { eventId, message: String(error) });
      return this.current().settings.maxActive;
    }
  }

  private waiting(now: number): number {
    const { early, late } = waitingNow(this.current(), now);
    return early + late;
  }

  private activeSessions(): number {
    return fans.shopping(this.ctx.storage.sql);
  }

  /** The fan as the line sees them now. */
  private viewOf(fan: fans.Fan, place: Place, now: number): QueueView {
    return fan.state === "admitted" ? { state: "admitted" } : view(this.current(), place, now, undefined);
  }

  private async armTick(): Promise<void> {
    const state = this.current();
    if (!state.settings.enabled) return;
    const now = this.now();
    const at = isOpen(state, now) ? now + state.settings.tickSeconds * 1000 : state.onSaleAt;
    const armed = await this.ctx.storage.getAlarm();
    if (armed === null || armed > at) await this.ctx.storage.setAlarm(at);
  }

  private async load(eventId: string): Promise<QueueState | undefined> {
    if (this.state) return this.state;
    this.loading ??= (async () => {
      const stored = this.readState();
      if (stored) return (this.state = stored);
      // An id that is not a queue-enabled event gets no tables and no writes.
      const config = await fetchQueueConfig(this.env, eventId);
      if (!config?.queue.enabled) return undefined;
      // Re-check after the read: a concurrent configure may have set it up.
      return this.readState() ?? (this.state = await this.fresh(eventId, config.queue, config.onSaleAt));
    })().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async fresh(eventId: string, settings: QueueSettings, onSaleAt: number | null): Promise<QueueState> {
    fans.create(this.ctx.storage.sql);
    const seed = [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, "0")).join("");
    const state: QueueState = {
      eventId,
      settings: resolveSettings(settings),
      onSaleAt: onSaleAt ?? this.now(),
      seed,
      seedHash: await sha256Hex(seed),
      opened: false,
      earlyCount: 0,
      lateCount: 0,
      earlyWatermark: 0,
      lateWatermark: 0,
      lateWaiting: 0,
      tickAt: 0,
      tickQuota: 0,
      tickIssued: 0,
      admittedTotal: 0,
    };
    this.save(state);
    return state;
  }

  private current(): QueueState {
    if (!this.state) throw new Error("queue room used before it was loaded");
    return this.state;
  }

  private readState(): QueueState | undefined {
    if (!fans.hasTables(this.ctx.storage.sql)) return undefined;
    const row = this.ctx.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'state'").toArray()[0];
    return row ? (JSON.parse(row.value) as QueueState) : undefined;
  }

  /** Persist first, memory second. */
  private save(state: QueueState): void {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('state', ?)", JSON.stringify(state));
    this.state = state;
  }
}

