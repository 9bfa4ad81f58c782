/**
 * QueueRoom: the waiting room of one queue-enabled event
 * (`QUEUE_ROOM.getByName(eventId)`). It hands out places (a lottery rank to
 * fans who come before the on-sale time, a join sequence after), admits
 * batches on its alarm, and mints admission tokens that the API checks on
 * `reserve` without calling back here. Its rules are in `admission.ts`.
 *
 * Storage: one state row (settings, seed, counters, watermarks) and one row
 * per admitted fan who is shopping, bounded by `maxActive`. Nothing per
 * waiting fan: a fan's place travels in their signed queue ticket.
 *
 * The seed of the lottery is drawn when the queue is set up; its SHA-256 is
 * shown from the start and the seed itself once the sale opens, so the draw
 * can be audited.
 */
import { DurableObject } from "cloudflare:workers";
import { log } from "../../src/shared/log";
import { lotteryRank, resolveSettings, sha256Hex, signAdmission, type Place, type QueueSettings } from "../../src/shared/queue";
import { positionBody, type DrawRecord, type JoinOutcome, type QueueView, type StatusOutcome } from "../../src/shared/room-protocol";
import { canIssue, isOpen, tick, view, type QueueState } from "./admission";
import { fetchQueueConfig } from "./config-source";

const STREAM_RETRY_MS = 3_000;

export class QueueRoom extends DurableObject<Env> {
  /** The room's clock; tests move it. */
  now: () => number = () => Date.now();
  private state: QueueState | undefined;
  private loading: Promise<QueueState | undefined> | undefined;
  private readonly watchers = new Map<WritableStreamDefaultWriter<Uint8Array>, { userId: string; place: Place }>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(`
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS sessions (user_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, expires_at INTEGER NOT NULL);`);
    });
  }

  /** A place in the queue. A fan who shows the place they already have keeps it. */
  async join(eventId: string, userId: string, existing: Place | null): Promise<JoinOutcome> {
    const state = await this.load(eventId);
    if (!state?.settings.enabled) return { kind: "rejected", status: 409, detail: "this event has no waiting room; go straight to the seats" };
    const now = this.now();
    let place: Place;
    if (existing) {
      place = existing;
    } else if (!isOpen(state, now)) {
      place = { kind: "early", rank: await lotteryRank(state.seed, userId) };
      this.save({ ...this.current(), earlyCount: this.current().earlyCount + 1 });
    } else {
      // Read the counter after the await above could have let others in.
      const current = this.current();
      place = { kind: "late", seq: current.lateCount };
      this.save({ ...current, opened: true, lateCount: current.lateCount + 1 });
    }
    await this.armTick();
    return { kind: "joined", place, view: view(this.current(), place, now, undefined) };
  }

  /** Where the fan stands; once their turn has come, an admission token. */
  async status(eventId: string, userId: string, place: Place): Promise<StatusOutcome> {
    const state = await this.load(eventId);
    if (!state?.settings.enabled) return { kind: "rejected", status: 409, detail: "this event has no waiting room" };
    const now = this.now();
    const current = view(state, place, now, undefined);
    if (current.state !== "admissible") return { kind: "status", view: current };
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM sessions WHERE expires_at <= ?", now);
    const existing = sql.exec<{ session_id: string; expires_at: number }>("SELECT session_id, expires_at FROM sessions WHERE user_id = ?", userId).toArray()[0];
    let session = existing ? { sessionId: existing.session_id, expiresAt: existing.expires_at } : undefined;
    if (!session) {
      const active = this.activeSessions();
      if (!canIssue(state, active)) {
        return { kind: "status", view: { state: "waiting", ahead: 0, etaSeconds: state.settings.tickSeconds } };
      }
      session = { sessionId: crypto.randomUUID(), expiresAt: now + state.settings.sessionMinutes * 60_000 };
      sql.exec("INSERT INTO sessions (user_id, session_id, expires_at) VALUES (?, ?, ?)", userId, session.sessionId, session.expiresAt);
      this.save({ ...state, tickIssued: state.tickIssued + 1, admittedTotal: state.admittedTotal + 1 });
      log("info", "queue_admitted", { eventId, userId, sessionId: session.sessionId });
    }
    const token = await signAdmission(this.env, { userId, eventId, ...session });
    return { kind: "admitted", token, expiresAt: session.expiresAt };
  }

  /** The fan booked or gave their seats back: their shopping slot is free. */
  async leave(eventId: string, userId: string): Promise<void> {
    if (!(await this.load(eventId))) return;
    this.ctx.storage.sql.exec("DELETE FROM sessions WHERE user_id = ?", userId);
  }

  /** The organizer changed the queue settings or the on-sale time. */
  async configure(eventId: string, settings: QueueSettings, onSaleAt: number | null): Promise<void> {
    const state = (await this.load(eventId)) ?? (await this.fresh(eventId, settings, onSaleAt));
    this.save({ ...state, settings: resolveSettings(settings), onSaleAt: onSaleAt ?? state.onSaleAt });
    await this.armTick();
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

  /** `GET /stream`: a fan's position over SSE until admitted (the API has verified the ticket). */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const eventId = url.searchParams.get("eventId") ?? "";
    const userId = request.headers.get("x-user-id") ?? "";
    const place = JSON.parse(request.headers.get("x-place") ?? "null") as Place | null;
    const state = await this.load(eventId);
    if (!state?.settings.enabled || !place) return new Response("no waiting room", { status: 404 });
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    this.watchers.set(writer, { userId, place });
    void writer.write(encode(`retry: ${STREAM_RETRY_MS}\n\n`)).catch(() => this.watchers.delete(writer));
    await this.tell(writer, eventId, userId, place);
    await this.armTick();
    // (tell() does not wait for the write, so the response can go out first.)
    return new Response(readable, {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "content-encoding": "identity" },
    });
  }

  /** One admission tick; re-arms while anyone waits or shops. Safe to run twice. */
  override async alarm(): Promise<void> {
    const stored = this.readState();
    if (!stored) return;
    const state = await this.load(stored.eventId);
    if (!state?.settings.enabled) return;
    const now = this.now();
    this.ctx.storage.sql.exec("DELETE FROM sessions WHERE expires_at <= ?", now);
    const seatsLeft = isOpen(state, now) ? await this.seatsLeft(state.eventId) : Number.MAX_SAFE_INTEGER;
    const result = tick(this.current(), now, this.activeSessions(), seatsLeft);
    this.save(result.state);
    for (const [writer, watcher] of [...this.watchers]) await this.tell(writer, state.eventId, watcher.userId, watcher.place, seatsLeft);
    if (!isOpen(result.state, now)) await this.ctx.storage.setAlarm(result.state.onSaleAt);
    else if (result.waiting || this.watchers.size > 0 || this.activeSessions() > 0) await this.ctx.storage.setAlarm(now + result.state.settings.tickSeconds * 1000);
  }

  /** Writes a watcher's position, or its admission and the end of its stream. */
  private async tell(writer: WritableStreamDefaultWriter<Uint8Array>, eventId: string, userId: string, place: Place, seatsLeft?: number): Promise<void> {
    const outcome = await this.status(eventId, userId, place);
    let frame: string;
    if (outcome.kind === "admitted") {
      frame = `event: admitted\ndata: ${JSON.stringify({ admissionToken: outcome.token, expiresAt: new Date(outcome.expiresAt).toISOString() })}\n\n`;
    } else if (outcome.kind === "status") {
      const shown = seatsLeft === 0 && outcome.view.state === "waiting" ? { state: "sold-out" as const } : outcome.view;
      frame = `event: position\ndata: ${JSON.stringify(positionBody(shown))}\n\n`;
    } else {
      frame = `event: closed\ndata: ${JSON.stringify({ detail: outcome.detail })}\n\n`;
    }
    // Not awaited: a watcher that does not read must not hold up the tick.
    const drop = () => this.watchers.delete(writer);
    writer.write(encode(frame)).catch(drop);
    if (outcome.kind !== "status") {
      drop();
      writer.close().catch(() => {});
    }
  }

  private async seatsLeft(eventId: string): Promise<number> {
    try {
      const counts = await this.env.SEAT_ROOM.getByName(eventId).availability(eventId);
      return counts ? counts.available + counts.held : 0;
    } catch (error) {
      log("warn", "queue_seat_count_unavailable", { eventId, message: String(error) });
      return this.current().settings.maxActive;
    }
  }

  private activeSessions(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sessions").one().n;
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
    const row = this.ctx.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'state'").toArray()[0];
    return row ? (JSON.parse(row.value) as QueueState) : undefined;
  }

  /** Persist first, memory second. */
  private save(state: QueueState): void {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('state', ?)", JSON.stringify(state));
    this.state = state;
  }
}

const textEncoder = new TextEncoder();
const encode = (text: string) => textEncoder.encode(text);
