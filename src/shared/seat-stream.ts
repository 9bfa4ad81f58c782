/**
 * The live seat map's frames, as the SeatRoom (workers/seat-room/seat-feed.ts)
 * writes them and the event page (src/client/seat-map/) reads them.
 *
 * A watcher first gets a `snapshot`: one status character per seat index
 * (STATUS_CODES, '0' available … '3' blocked). Then each `delta` lists the
 * tickets that changed, by their new status, and carries the `from` and `seq`
 * of the changes it covers: a delta whose `from` is not the watcher's last
 * `seq` + 1 means frames were missed, and the watcher reconnects.
 */
import type { SeatStatus } from "./room-protocol";

export interface SeatSnapshotFrame {
  eventId: string;
  seq: number;
  statuses: string;
}

export type SeatDeltaFrame = { from: number; seq: number } & Record<SeatStatus, string[]>;

/** A ticket id is `<eventId>.<seat index>`. */
export const seatIndexOf = (ticketId: string): number => Number(ticketId.slice(ticketId.lastIndexOf(".") + 1));
