/**
 * The live seat stream (`/api/events/:id/seats/stream`): a snapshot, then
 * deltas, applied to the page's SeatMapState.
 *
 * - A delta that does not follow the last one means frames were missed: the
 *   page reconnects from its last seq (`?lastEventId=`), and the server
 *   answers with the missed changes, or a snapshot when they are too many.
 * - The browser reconnects by itself after a dropped connection, but gives up
 *   for good on a refusal (a 429 past the per-user stream cap, a 5xx in a
 *   deploy): the page then reconnects itself, backing off with jitter, so a
 *   relay restart does not bring every fan back in the same instant.
 * - "Live" is said again as soon as a frame arrives after a reconnection.
 */
import type { SeatDeltaFrame, SeatSnapshotFrame } from "../../shared/seat-stream";
import type { SeatMapState } from "../seat-map/map-state";

export interface StreamHandlers {
  snapshot(): void;
  delta(seats: number[], sections: Set<number>, frame: SeatDeltaFrame): void;
  /** The snapshot does not fit this page's map (the venue changed). */
  stale(): void;
  connecting(): void;
  /** Frames flow again after connecting(). */
  live(): void;
}

const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 30_000;

export function followSeats(eventId: string, state: SeatMapState, on: StreamHandlers): void {
  let retry = FIRST_RETRY_MS;
  let interrupted = false;
  let stopped = false;
  const resumed = () => {
    retry = FIRST_RETRY_MS;
    if (interrupted) on.live();
    interrupted = false;
  };
  const connect = () => {
    if (stopped) return;
    const from = state.live ? `?lastEventId=${state.seq}` : "";
    const source = new EventSource(`/api/events/${eventId}/seats/stream${from}`);
    source.addEventListener("snapshot", (e) => {
      if (!state.applySnapshot(JSON.parse((e as MessageEvent<string>).data) as SeatSnapshotFrame)) {
        stopped = true;
        source.close();
        on.stale();
        return;
      }
      resumed();
      on.snapshot();
    });
    source.addEventListener("delta", (e) => {
      const frame = JSON.parse((e as MessageEvent<string>).data) as SeatDeltaFrame;
      const outcome = state.applyDelta(frame);
      if (outcome.kind === "gap") {
        source.close();
        setTimeout(connect, 200);
        return;
      }
      resumed();
      on.delta(outcome.seats, outcome.sections, frame);
    });
    source.onerror = () => {
      interrupted = true;
      on.connecting();
      if (source.readyState !== EventSource.CLOSED) return;
      // The browser gave up (a refusal): try again later, each time later still.
      setTimeout(connect, retry * (0.5 + Math.random()));
      retry = Math.min(retry * 2, LAST_RETRY_MS);
    };
  };
  connect();
}
