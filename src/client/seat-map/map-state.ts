/**
 * What the event page knows of the live seat map, without the DOM: every
 * seat's status (one byte per seat index), the stream's `seq`, and each
 * section's counts by status, kept exact as snapshot and delta frames
 * arrive. A 90,000-seat snapshot is one pass over its string; a delta costs
 * its own size (a count moves from one status to another per seat), so the
 * page can recolour sections without counting again.
 *
 * Invariant: for every section, the sum of its counts is its seat count,
 * and each count is the number of its seats whose byte holds that status.
 */
import { SEAT_STATUSES, type SeatStatus } from "../../shared/room-protocol";
import type { SeatMap } from "../../shared/seat-map";
import { seatIndexOf, type SeatDeltaFrame, type SeatSnapshotFrame } from "../../shared/seat-stream";

/** A status as a small number: its position in SEAT_STATUSES (0 available … 3 blocked). */
export type StatusCode = 0 | 1 | 2 | 3;
export const AVAILABLE: StatusCode = 0;
const BLOCKED: StatusCode = 3;

/** A section's seats by status, indexed by StatusCode. */
export type SectionCounts = [number, number, number, number];

export type DeltaOutcome =
  /** Frames were missed (or no snapshot yet): reconnect for a fresh start. */
  | { kind: "gap" }
  | { kind: "applied"; seats: number[]; sections: Set<number> };

export class SeatMapState {
  /** Status per seat index; every seat starts available until the snapshot says otherwise. */
  readonly codes: Uint8Array;
  /** The section (its position in map.sections) of each seat index. */
  readonly sectionOf: Uint16Array;
  readonly counts: SectionCounts[];
  seq = -1;
  /** A snapshot has arrived: the codes say what the room says. */
  live = false;

  constructor(readonly map: SeatMap) {
    const total = map.sections.reduce((n, s) => n + s.count, 0);
    this.codes = new Uint8Array(total);
    this.sectionOf = new Uint16Array(total);
    this.counts = map.sections.map((s, k) => {
      this.sectionOf.fill(k, s.firstIndex, s.firstIndex + s.count);
      return [s.count, 0, 0, 0];
    });
  }

  get size(): number {
    return this.codes.length;
  }

  status(index: number): SeatStatus {
    return SEAT_STATUSES[this.codes[index] ?? 0] ?? "available";
  }

  isAvailable(index: number): boolean {
    return this.live && this.codes[index] === AVAILABLE;
  }

  /** Takes a snapshot whole. False when it does not fit the map (the venue changed: the page must reload). */
  applySnapshot(frame: SeatSnapshotFrame): boolean {
    if (frame.statuses.length !== this.codes.length) return false;
    for (const counts of this.counts) counts.fill(0);
    const { statuses } = frame;
    for (let i = 0; i < statuses.length; i++) {
      const code = statuses.charCodeAt(i) - 48;
      // A status this page does not know is not for sale to it.
      const valid = code >= 0 && code < SEAT_STATUSES.length ? code : BLOCKED;
      this.codes[i] = valid;
      const counts = this.counts[this.sectionOf[i] ?? 0];
      if (counts) counts[valid as StatusCode]++;
    }
    this.seq = frame.seq;
    this.live = true;
    return true;
  }

  /** Applies a delta that follows the last frame; says which seats and sections changed. */
  applyDelta(frame: SeatDeltaFrame): DeltaOutcome {
    if (!this.live || frame.from !== this.seq + 1) return { kind: "gap" };
    const seats: number[] = [];
    const sections = new Set<number>();
    SEAT_STATUSES.forEach((status, code) => {
      for (const ticketId of frame[status] ?? []) {
        const i = seatIndexOf(ticketId);
        if (!(i >= 0 && i < this.codes.length)) continue;
        const before = this.codes[i] as StatusCode;
        if (before === code) continue;
        const section = this.sectionOf[i] ?? 0;
        const counts = this.counts[section];
        if (counts) {
          counts[before]--;
          counts[code as StatusCode]++;
        }
        this.codes[i] = code;
        seats.push(i);
        sections.add(section);
      }
    });
    this.seq = frame.seq;
    return { kind: "applied", seats, sections };
  }

  /** Seats still available in a section (all of them before the snapshot). */
  free(section: number): number {
    return this.counts[section]?.[AVAILABLE] ?? 0;
  }

  /** Names of the sections with no seat left to hold. */
  soldOutSections(): string[] {
    return this.map.sections.filter((_, k) => this.free(k) === 0).map((s) => s.name);
  }
}
