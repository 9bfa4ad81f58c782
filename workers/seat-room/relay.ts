/**
 * SeatRelay: one Durable Object per shard of an event's seat-stream watchers
 * (`SEAT_RELAY.getByName("<eventId>/<shard>")`). It takes the room's stream
 * once, keeps a copy of the seat map and a short tail of recent changes, and
 * serves its watchers from them with the room's own feed code (`SeatFeed`):
 * the same snapshot, the same deltas with the same ids, the same resume after
 * `Last-Event-ID`, the same caps. The SeatRoom then writes each change once
 * per relay instead of once per watcher, so its work per change stays flat
 * as watchers grow and its steps (holds, payments) never wait behind the
 * fan-out; the relays, placed by the platform like any object, share out the
 * writes to watchers.
 *
 * The API picks the shard from the watcher's address, so all the streams of
 * one address meet in one relay and its per-address cap is exact. A
 * signed-in user's cap holds per relay.
 *
 * When the room's stream ends (the room restarted, or a deploy replaced it)
 * the relay reconnects with the last seq it has and the room sends what was
 * missed; watchers notice nothing. If the room cannot resume (it was reset),
 * it sends a snapshot and every watcher gets that snapshot as its next frame.
 * A relay with no watchers for a minute lets go of the room's stream.
 */
import { DurableObject } from "cloudflare:workers";
import { log } from "../../src/shared/log";
import { SEAT_STATUSES } from "../../src/shared/room-protocol";
import { RELAY_HEADER } from "../../src/shared/stream-caps";
import { LiveSeatMap } from "./live-map";
import { lastEventId, MAX_RESUME_CHANGES, watchFeed, type Change } from "./seat-feed";

/** Seats of recent changes a relay keeps for watchers that resume. */
const TAIL_SEATS = MAX_RESUME_CHANGES;
const RECONNECT_MS = 250;
const MAX_RECONNECT_MS = 8_000;
const IDLE_CHECK_MS = 30_000;
/** How often a relay asks the room to end holds its late alarm has not (see `catchUp`), and how long it waits for the result. */
const CATCH_UP_EVERY_MS = 1_000;
const CATCH_UP_WAIT_MS = 1_000;

interface Snapshot {
  seq: number;
  statuses: string;
}

type Delta = { from: number; seq: number } & Partial<Record<(typeof SEAT_STATUSES)[number], string[]>>;

interface Frame {
  event: string;
  data: string;
}

export class SeatRelay extends DurableObject<Env> {
  private map: LiveSeatMap | undefined;
  private tail: Change[] = [];
  private tailSeats = 0;
  /** The tail holds every change after this seq. */
  private tailFrom = 0;
  private upstream: Promise<"open" | "missing"> | undefined;
  /** The reader of the room's stream now pumped; a pump whose reader is no longer this one stops. */
  private reader: ReadableStreamDefaultReader<Frame> | undefined;
  private reconnectDelay = RECONNECT_MS;
  private idleCheck: ReturnType<typeof setInterval> | undefined;
  private idleOnce = false;
  private caughtUp: Promise<void> | undefined;
  private caughtUpAt = 0;

  /** `GET /seats/stream?eventId=…`: a watcher's stream, as the room would answer it. */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const eventId = url.searchParams.get("eventId") ?? "";
    if (url.pathname !== "/seats/stream" || eventId === "") return new Response("not found", { status: 404 });
    if ((await this.open(eventId)) === "missing" || !this.map) return new Response("no such event", { status: 404 });
    this.idleCheck ??= setInterval(() => this.letGoIfIdle(), IDLE_CHECK_MS);
    await this.catchUp(eventId);
    const last = lastEventId(request);
    if (last !== undefined) await this.backfill(eventId, last);
    return watchFeed(this.map.feed, request, this.env);
  }

  /** How many watchers this relay serves (for tests and the benchmark). */
  async watchers(): Promise<number> {
    return this.map?.feed.watching ?? 0;
  }

  private open(eventId: string): Promise<"open" | "missing"> {
    this.upstream ??= this.takeStream(eventId).then(
      (outcome) => {
        if (outcome === "missing") this.upstream = undefined;
        return outcome;
      },
      (error: unknown) => {
        this.upstream = undefined;
        throw error;
      },
    );
    return this.upstream;
  }

  /** Takes the room's stream: from its snapshot the first time, after the copy's seq on a reconnect. */
  private async takeStream(eventId: string): Promise<"open" | "missing"> {
    const headers: Record<string, string> = { [RELAY_HEADER]: "1" };
    if (this.map) headers["last-event-id"] = String(this.map.currentSeq);
    const url = new URL("https://seat-room/seats/stream");
    url.searchParams.set("eventId", eventId);
    const response = await this.env.SEAT_ROOM.getByName(eventId).fetch(url, { headers });
    if (response.status === 404) return "missing";
    if (!response.ok || !response.body) throw new Error(`the seat room answered ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(sseFrames()).getReader();
    if (!this.map) {
      // The room writes a new watcher's snapshot before it returns the stream.
      const snapshot = await firstSnapshot(reader);
      this.map = LiveSeatMap.fromSnapshot(eventId, snapshot, (seq, limit) => this.changesSince(seq, limit));
      this.startTail(snapshot.seq);
    }
    this.reader = reader;
    this.reconnectDelay = RECONNECT_MS;
    void this.pump(eventId, reader);
    return "open";
  }

  private async pump(eventId: string, reader: ReadableStreamDefaultReader<Frame>): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || this.reader !== reader) break;
        if (value.event === "delta") this.applyDelta(JSON.parse(value.data) as Delta);
        else if (value.event === "snapshot") this.replace(JSON.parse(value.data) as Snapshot);
      }
    } catch (error) {
      if (this.reader === reader) log("info", "seat_relay_upstream_broke", { eventId, message: String(error) });
    }
    if (this.reader !== reader) return;
    this.reader = undefined;
    this.upstream = undefined;
    if ((this.map?.feed.watching ?? 0) === 0) return this.letGo();
    this.reconnect(eventId);
  }

  /** The room's stream ended under watchers: take it again, backing off while the room cannot answer. */
  private reconnect(eventId: string): void {
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(MAX_RECONNECT_MS, delay * 2);
    setTimeout(() => {
      if (this.upstream || !this.map) return;
      this.open(eventId).then(
        (outcome) => {
          // The event is gone: end every stream; clients reconnect and get the API's 404.
          if (outcome === "missing") this.letGo();
        },
        (error: unknown) => {
          log("warn", "seat_relay_reconnect_failed", { eventId, message: String(error) });
          this.reconnect(eventId);
        },
      );
    }, delay);
  }

  private applyDelta(delta: Delta): void {
    const map = this.map;
    if (!map) return;
    if (delta.from > map.currentSeq + 1) {
      // A gap cannot happen on one ordered stream; if it ever does, resume from the copy's seq.
      void this.reader?.cancel();
      return;
    }
    const changes: Change[] = [];
    for (const status of SEAT_STATUSES) {
      const ids = delta[status];
      if (ids?.length) changes.push({ seq: delta.seq, status, seats: ids.map(seatIndex) });
    }
    if (changes.length === 0) changes.push({ seq: delta.seq, status: "available", seats: [] });
    if (changes.some((change) => change.seats.some((seat) => !(seat >= 0 && seat < map.seats)))) {
      // The venue changed size under the copy (the room sends the resized snapshot first, so only a copy
      // that missed it gets here): start over, and let the watchers come back to a fresh snapshot.
      this.letGo();
      return;
    }
    for (const change of changes) {
      map.apply(change);
      this.remember(change);
    }
    // One delta in, one delta out: the room already coalesced.
    map.feed.flush();
  }

  private replace(snapshot: Snapshot): void {
    this.startTail(snapshot.seq);
    this.map?.replace(snapshot);
  }

  private startTail(seq: number): void {
    this.tail = [];
    this.tailSeats = 0;
    this.tailFrom = seq;
  }

  private remember(change: Change): void {
    this.tail.push(change);
    this.tailSeats += change.seats.length;
    while (this.tailSeats > TAIL_SEATS && this.tail.length > 1) {
      const dropped = this.tail.shift();
      if (!dropped) break;
      this.tailSeats -= dropped.seats.length;
      this.tailFrom = dropped.seq;
    }
  }

  /**
   * Before a new watcher is served from the copy, the room ends the holds
   * whose expiry passed while its alarm is late (as it does for watchers of
   * its own) and says which seq its map is at; the relay waits, briefly, for
   * the copy to get there. At most one call a second per relay: a crowd
   * connecting at once shares it.
   */
  private catchUp(eventId: string): Promise<void> {
    const now = Date.now();
    if (this.caughtUp && now - this.caughtUpAt < CATCH_UP_EVERY_MS) return this.caughtUp;
    this.caughtUpAt = now;
    this.caughtUp = (async () => {
      const seq = await this.env.SEAT_ROOM.getByName(eventId)
        .sweepLate(eventId)
        .catch(() => null);
      const deadline = Date.now() + CATCH_UP_WAIT_MS;
      while (seq !== null && this.map && this.map.currentSeq < seq && Date.now() < deadline) await scheduler.wait(10);
    })();
    return this.caughtUp;
  }

  /**
   * A watcher resumes from before the tail (it watched through another relay,
   * or this one started since): the changes in between come from the room's
   * log, so it still gets exactly what it missed.
   */
  private async backfill(eventId: string, last: number): Promise<void> {
    const from = this.tailFrom;
    if (last >= from) return;
    const older = await this.env.SEAT_ROOM.getByName(eventId).seatChanges(eventId, last, MAX_RESUME_CHANGES);
    // Past the room's log, or the tail started over meanwhile: the watcher gets a snapshot.
    if (!older || this.tailFrom !== from) return;
    const gap = older.filter((change) => change.seq <= from);
    this.tail.unshift(...gap);
    this.tailSeats += gap.reduce((n, change) => n + change.seats.length, 0);
    this.tailFrom = last;
  }

  /** The tail after `seq`, or undefined when it does not reach back that far (the watcher gets a snapshot). */
  private changesSince(seq: number, limit: number): Change[] | undefined {
    if (seq < this.tailFrom) return undefined;
    const missed = this.tail.filter((change) => change.seq > seq);
    return missed.length > limit ? undefined : missed;
  }

  private letGoIfIdle(): void {
    if ((this.map?.feed.watching ?? 0) > 0) {
      this.idleOnce = false;
      return;
    }
    if (this.idleOnce) this.letGo();
    else this.idleOnce = true;
  }

  /** Drops the room's stream and the copy; the next watcher starts over from a snapshot. */
  private letGo(): void {
    const reader = this.reader;
    this.reader = undefined;
    this.upstream = undefined;
    void reader?.cancel().catch(() => {});
    this.map?.feed.closeAll();
    this.map = undefined;
    this.idleOnce = false;
    if (this.idleCheck) clearInterval(this.idleCheck);
    this.idleCheck = undefined;
  }
}

const seatIndex = (ticketId: string): number => Number(ticketId.slice(ticketId.lastIndexOf(".") + 1));

/** Reads up to the room's snapshot (before it, the room sends only a retry hint). */
async function firstSnapshot(reader: ReadableStreamDefaultReader<Frame>): Promise<Snapshot> {
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error("the seat room's stream ended before its snapshot");
    if (value.event === "snapshot") return JSON.parse(value.data) as Snapshot;
  }
}

/**
 * Server-Sent Events text to frames with an event name and data (comments,
 * `id:` and `retry:` lines dropped: the deltas carry their seq).
 */
export function sseFrames(): TransformStream<string, Frame> {
  let buffer = "";
  return new TransformStream<string, Frame>({
    transform(chunk, controller) {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = "message";
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ")) data.push(line.slice(6));
        }
        if (data.length > 0) controller.enqueue({ event, data: data.join("\n") });
      }
    },
  });
}
