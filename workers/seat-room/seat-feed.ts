/**
 * The live seat feed of one event: Server-Sent Events to every watcher.
 *
 * A watcher first gets a `snapshot` (one status character per seat index),
 * then `delta` events, each listing the tickets that changed by their new
 * status, with the room's sequence number as the SSE `id` and the first
 * sequence number it covers as `from`, so a client can see a gap. Changes are
 * coalesced: the first change arms a short timer (FLUSH_MS) and everything
 * that arrives before it fires goes out as one delta, encoded once and written
 * to every watcher. Fan-out cost therefore follows the number of watchers and
 * flushes, not the hold rate. A comment line every 25 s keeps proxies from
 * closing idle streams.
 *
 * A watcher that reconnects with `Last-Event-ID` gets exactly the changes it
 * missed, from the room's change log, or a fresh snapshot when it is too far
 * behind (or ahead: the room was reset).
 *
 * Deltas name tickets by id and carry absolute statuses, so a relay room or
 * an edge-cached snapshot keyed by `seq` can serve them unchanged later.
 */
import { SEAT_STATUSES, type SeatStatus } from "../../src/shared/room-protocol";
import type { SeatDeltaFrame, SeatSnapshotFrame } from "../../src/shared/seat-stream";
import { probe, refusedStream, SEAT_STREAMS_PER_USER, StreamCaps, streamAsker, type StreamLimits, type StreamOwner } from "../../src/shared/stream-caps";

export const FLUSH_MS = 100;
export const KEEPALIVE_MS = 25_000;
const RETRY_MS = 2_000;
/** A watcher this many frames behind is dropped; it reconnects and resumes. */
const MAX_QUEUED_FRAMES = 1_000;
/** Beyond this many missed changes a reconnecting watcher gets a snapshot. */
export const MAX_RESUME_CHANGES = 5_000;

export interface Change {
  seq: number;
  status: SeatStatus;
  seats: number[];
}

export interface FeedSource {
  eventId: string;
  /** The current statuses, one ASCII digit per seat, and the seq they reflect. */
  snapshot(): { seq: number; statuses: string };
  /** Changes after `seq`, or undefined if the log no longer reaches back that far. */
  changesSince(seq: number, limit: number): Change[] | undefined;
}

const encoder = new TextEncoder();

export class SeatFeed {
  private readonly watchers = new Map<WritableStreamDefaultWriter<ArrayBufferView>, StreamOwner>();
  private readonly caps = new StreamCaps();
  private pending: Change[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private lastFlushAt = 0;
  private keepalive: ReturnType<typeof setInterval> | undefined;
  /** The seq of the last change sent to watchers (or skipped with none). */
  private flushed: number;
  /** The snapshot frame, encoded once per seq and shared by every watcher who starts there. */
  private snapshotFrame: { seq: number; bytes: Uint8Array } | undefined;

  constructor(
    private readonly source: FeedSource,
    currentSeq: number,
  ) {
    this.flushed = currentSeq;
  }

  get watching(): number {
    return this.watchers.size;
  }

  /**
   * Records a stored change; it goes out with the next flush. A change after
   * a quiet spell goes out as soon as the step that made it ends; changes
   * that follow within FLUSH_MS wait for the end of that window and go out
   * together (at most one delta per window, whatever the hold rate).
   */
  publish(change: Change): void {
    this.pending.push(change);
    this.flushTimer ??= setTimeout(() => this.flush(), Math.max(0, this.lastFlushAt + FLUSH_MS - Date.now()));
  }

  /** Sends the pending changes as one delta to every watcher. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0) return;
    this.lastFlushAt = Date.now();
    const changes = this.pending;
    this.pending = [];
    const from = this.flushed + 1;
    const last = changes.at(-1)?.seq ?? this.flushed;
    this.flushed = last;
    if (this.watchers.size === 0) return;
    const frame = encoder.encode(sse("delta", last, this.delta(from, last, changes)));
    for (const writer of this.watchers.keys()) this.write(writer, frame);
  }

  /**
   * A new watcher's stream: a snapshot, or the changes it missed, then live
   * deltas; or, past the caps on streams per address and per user, the
   * reason it is refused.
   */
  async subscribe(lastEventId: number | undefined, owner: StreamOwner, limits: StreamLimits): Promise<ReadableStream<Uint8Array> | string> {
    if (this.caps.open(owner, limits)) {
      // At a cap: streams whose clients went away are found and dropped first.
      await probe(this.watchers, owner, (writer) => this.unwatch(writer));
      const refused = this.caps.open(owner, limits);
      if (refused) return refused;
    }
    // Send what is pending first, so what this watcher starts from and what
    // the next delta continues from are the same seq.
    this.flush();
    // workerd's native byte stream: a write costs no JavaScript queueing.
    const { readable, writable } = new TransformStream<ArrayBufferView, Uint8Array>();
    const writer = writable.getWriter();
    this.write(writer, encoder.encode(`retry: ${RETRY_MS}\n\n`));
    const missed =
      lastEventId !== undefined && lastEventId <= this.flushed
        ? this.source.changesSince(lastEventId, MAX_RESUME_CHANGES)
        : undefined;
    if (missed) {
      if (missed.length > 0) this.write(writer, encoder.encode(sse("delta", this.flushed, this.delta((lastEventId ?? -1) + 1, this.flushed, missed))));
    } else {
      this.write(writer, this.snapshotBytes());
    }
    this.watchers.set(writer, owner);
    // A watcher whose client went away frees its place as soon as the cancel reaches the room (at the latest, at its next write).
    writer.closed.catch(() => this.unwatch(writer));
    this.keepalive ??= setInterval(() => this.ping(), KEEPALIVE_MS);
    return readable;
  }

  /**
   * The source starts over at `seq` (a relay that could not resume, a venue
   * that changed size): pending changes are dropped (the snapshot has them)
   * and every watcher gets the snapshot at `seq` next.
   */
  restart(seq: number): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pending = [];
    this.flushed = seq;
    // The statuses changed under the same seq (a venue resized, a relay's
    // source reset to the seq it had): the cached frame is not this snapshot.
    this.snapshotFrame = undefined;
    if (this.watchers.size === 0) return;
    const frame = this.snapshotBytes();
    for (const writer of this.watchers.keys()) this.write(writer, frame);
  }

  /** Ends every stream with a hint to reconnect (the room is going away). */
  closeAll(): void {
    for (const writer of [...this.watchers.keys()]) {
      this.unwatch(writer);
      void writer.close().catch(() => {});
    }
    this.stopKeepalive();
  }

  private snapshotBytes(): Uint8Array {
    if (this.snapshotFrame?.seq !== this.flushed) {
      const { statuses } = this.source.snapshot();
      const data = JSON.stringify({ eventId: this.source.eventId, seq: this.flushed, statuses } satisfies SeatSnapshotFrame);
      this.snapshotFrame = { seq: this.flushed, bytes: encoder.encode(sse("snapshot", this.flushed, data)) };
    }
    return this.snapshotFrame.bytes;
  }

  private delta(from: number, seq: number, changes: Change[]): string {
    // Later changes of a seat supersede earlier ones within one delta.
    const latest = new Map<number, SeatStatus>();
    for (const change of changes) for (const seat of change.seats) latest.set(seat, change.status);
    const byStatus = Object.fromEntries(SEAT_STATUSES.map((s) => [s, [] as string[]])) as Record<SeatStatus, string[]>;
    for (const [seat, status] of latest) byStatus[status].push(`${this.source.eventId}.${seat}`);
    return JSON.stringify({ from, seq, ...byStatus } satisfies SeatDeltaFrame);
  }

  private ping(): void {
    if (this.watchers.size === 0) return this.stopKeepalive();
    const frame = encoder.encode(": keepalive\n\n");
    for (const writer of this.watchers.keys()) this.write(writer, frame);
  }

  private stopKeepalive(): void {
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = undefined;
  }

  private write(writer: WritableStreamDefaultWriter<ArrayBufferView>, frame: Uint8Array): void {
    const drop = () => {
      this.unwatch(writer);
      void writer.abort().catch(() => {});
    };
    if (writer.desiredSize !== null && writer.desiredSize < -MAX_QUEUED_FRAMES) return drop();
    // A watcher that went away is dropped on its first failed write.
    writer.write(frame).catch(drop);
  }

  private unwatch(writer: WritableStreamDefaultWriter<ArrayBufferView>): void {
    const owner = this.watchers.get(writer);
    if (!owner) return;
    this.watchers.delete(writer);
    this.caps.close(owner);
  }
}

/**
 * Answers a watcher's request (`GET /seats/stream`, from the API or a relay)
 * from a feed: its event stream, resuming after `Last-Event-ID`, or a 429
 * past a cap.
 */
export async function watchFeed(feed: SeatFeed, request: Request, env: Env): Promise<Response> {
  const { owner, limits } = streamAsker(request, env, SEAT_STREAMS_PER_USER);
  const body = await feed.subscribe(lastEventId(request), owner, limits);
  if (typeof body === "string") return refusedStream(body);
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "content-encoding": "identity",
    },
  });
}

/** The seq a watcher resumes after (`Last-Event-ID`, or `?lastEventId=` for clients that cannot set headers). */
export function lastEventId(request: Request): number | undefined {
  const last = Number(request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("lastEventId") ?? Number.NaN);
  return Number.isInteger(last) && last >= 0 ? last : undefined;
}

function sse(event: string, id: number, data: string): string {
  return `id: ${id}\nevent: ${event}\ndata: ${data}\n\n`;
}
