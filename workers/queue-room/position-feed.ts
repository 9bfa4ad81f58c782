/**
 * The waiting room's live streams: each fan's position over Server-Sent
 * Events, rewritten on every admission tick, until the fan is admitted (an
 * `admitted` frame with the token) or their place or the queue ends; then
 * the stream closes. One stream per place in line and at most
 * STREAMS_PER_ADDRESS per client address (`src/shared/stream-caps.ts`);
 * a room at a cap first pings the owner's streams, so a reload is never
 * locked out.
 */
import type { Place } from "../../src/shared/queue";
import { positionBody, type StatusOutcome } from "../../src/shared/room-protocol";
import { probe, StreamCaps, type StreamLimits, type StreamOwner } from "../../src/shared/stream-caps";

const STREAM_RETRY_MS = 3_000;
const encoder = new TextEncoder();

type Writer = WritableStreamDefaultWriter<Uint8Array>;
/** Where a fan stands now (the room's `status`). */
export type StatusOf = (userId: string, place: Place) => Promise<StatusOutcome>;

interface Watcher extends StreamOwner {
  userId: string;
  place: Place;
}

export class PositionFeed {
  private readonly watchers = new Map<Writer, Watcher>();
  private readonly caps = new StreamCaps();

  get watching(): number {
    return this.watchers.size;
  }

  /** A fan's stream, starting with where they stand; or, past a cap, why it is refused. */
  async open(watcher: Watcher, limits: StreamLimits, statusOf: StatusOf): Promise<ReadableStream<Uint8Array> | string> {
    if (this.caps.open(watcher, limits)) {
      // At a cap: streams whose clients went away (a reload) are found and dropped first.
      await probe(this.watchers, watcher, (writer) => this.unwatch(writer));
      const refused = this.caps.open(watcher, limits);
      if (refused) return refused;
    }
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    this.watchers.set(writer, watcher);
    // The fan went away (tab closed, reload): the slot frees as soon as the cancel reaches the room.
    writer.closed.catch(() => this.unwatch(writer));
    void writer.write(encoder.encode(`retry: ${STREAM_RETRY_MS}\n\n`)).catch(() => this.unwatch(writer));
    // (tell() does not wait for the write, so the response can go out first.)
    await this.tell(writer, watcher, statusOf);
    return readable;
  }

  /** Tells every watcher where they stand (an admission tick); `seatsLeft` 0 marks the waiting as sold out. */
  async tellAll(statusOf: StatusOf, seatsLeft?: number): Promise<void> {
    for (const [writer, watcher] of [...this.watchers]) await this.tell(writer, watcher, statusOf, seatsLeft);
  }

  /** Writes a watcher's position, or its admission or end and the end of its stream. */
  private async tell(writer: Writer, watcher: Watcher, statusOf: StatusOf, seatsLeft?: number): Promise<void> {
    const outcome = await statusOf(watcher.userId, watcher.place);
    let frame: string;
    if (outcome.kind === "admitted") {
      frame = `event: admitted\ndata: ${JSON.stringify({ admissionToken: outcome.token, expiresAt: new Date(outcome.expiresAt).toISOString() })}\n\n`;
    } else if (outcome.kind === "status") {
      const shown = seatsLeft === 0 && outcome.view.state === "waiting" ? { ...outcome.view, soldOut: true } : outcome.view;
      frame = `event: position\ndata: ${JSON.stringify(positionBody(shown))}\n\n`;
    } else {
      frame = `event: closed\ndata: ${JSON.stringify({ detail: outcome.detail })}\n\n`;
    }
    // Not awaited: a watcher that does not read must not hold up the tick.
    const drop = () => this.unwatch(writer);
    writer.write(encoder.encode(frame)).catch(drop);
    if (outcome.kind !== "status" || outcome.view.state === "ended" || outcome.view.state === "closed") {
      drop();
      writer.close().catch(() => {});
    }
  }

  private unwatch(writer: Writer): void {
    const watcher = this.watchers.get(writer);
    if (!watcher) return;
    this.watchers.delete(writer);
    this.caps.close(watcher);
  }
}
