/**
 * The seat map as watchers see it: one status byte per seat index (the
 * codes of `STATUS_CODES`), kept current as each stored change is
 * applied, with the encoded snapshot cached per sequence number (rebuilt at
 * most once per change, never per request) and the feed that streams the
 * changes to watchers.
 */
import { STATUS_CODES, type SeatStatus } from "../../src/shared/room-protocol";
import { SeatFeed } from "./seat-feed";
import type { Change, FeedSource } from "./seat-feed";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export class LiveSeatMap {
  readonly feed: SeatFeed;
  private statuses: Uint8Array;
  private seq: number;
  private encoded: { seq: number; text: string } | undefined;

  /** Starts from the room's state: `held` and `blocked` seats, then `sold` seats over them. */
  constructor(
    eventId: string,
    ticketCount: number,
    seats: { held: Iterable<number>; blocked: Iterable<number>; sold: Iterable<number> },
    seq: number,
    changesSince: FeedSource["changesSince"],
  ) {
    this.statuses = new Uint8Array(ticketCount).fill(STATUS_CODES.available);
    for (const seat of seats.held) if (seat < ticketCount) this.statuses[seat] = STATUS_CODES.held;
    for (const seat of seats.blocked) if (seat < ticketCount) this.statuses[seat] = STATUS_CODES.blocked;
    for (const seat of seats.sold) if (seat < ticketCount) this.statuses[seat] = STATUS_CODES.sold;
    this.seq = seq;
    this.feed = new SeatFeed({ eventId, snapshot: () => this.snapshot(), changesSince }, seq);
  }

  /**
   * A map that starts from a snapshot's text rather than from a room's state
   * (a relay's copy of the room's map, see `relay.ts`).
   */
  static fromSnapshot(eventId: string, snapshot: { seq: number; statuses: string }, changesSince: FeedSource["changesSince"]): LiveSeatMap {
    const map = new LiveSeatMap(eventId, 0, { held: [], blocked: [], sold: [] }, snapshot.seq, changesSince);
    map.statuses = encoder.encode(snapshot.statuses);
    return map;
  }

  /**
   * Starts over from a newer snapshot (the source could not resume where
   * this copy left off): every watcher gets the new snapshot as its next
   * frame, which clients take in place of their map.
   */
  replace(snapshot: { seq: number; statuses: string }): void {
    this.statuses = encoder.encode(snapshot.statuses);
    this.seq = snapshot.seq;
    this.encoded = undefined;
    this.feed.restart(snapshot.seq);
  }

  get currentSeq(): number {
    return this.seq;
  }

  get seats(): number {
    return this.statuses.length;
  }

  /** Applies a stored change and queues it for watchers. */
  apply(change: Change): void {
    const code = STATUS_CODES[change.status];
    for (const seat of change.seats) this.statuses[seat] = code;
    this.seq = change.seq;
    this.feed.publish(change);
  }

  /** How many of the seats [first, first + count) are in each status (a section's figures). */
  countRange(first: number, count: number): Record<SeatStatus, number> {
    const tally = { available: 0, held: 0, sold: 0, blocked: 0 };
    const end = Math.min(this.statuses.length, first + count);
    for (let i = Math.max(0, first); i < end; i++) {
      const code = this.statuses[i];
      if (code === STATUS_CODES.held) tally.held++;
      else if (code === STATUS_CODES.sold) tally.sold++;
      else if (code === STATUS_CODES.blocked) tally.blocked++;
      else tally.available++;
    }
    return tally;
  }

  snapshot(): { seq: number; statuses: string } {
    if (this.encoded?.seq !== this.seq) this.encoded = { seq: this.seq, text: decoder.decode(this.statuses) };
    return { seq: this.seq, statuses: this.encoded.text };
  }

  /**
   * The venue changed size: seats beyond the new count go, new ones start
   * available. No seat change is logged for it, so the seq stays; every
   * watcher (a relay among them) gets the resized snapshot as its next frame,
   * and new watchers get it instead of the cached one of the same seq.
   */
  resize(ticketCount: number): void {
    if (this.statuses.length === ticketCount) return;
    const statuses = new Uint8Array(ticketCount).fill(STATUS_CODES.available);
    statuses.set(this.statuses.subarray(0, ticketCount));
    this.statuses = statuses;
    this.encoded = undefined;
    this.feed.restart(this.seq);
  }
}
