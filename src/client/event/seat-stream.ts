/**
 * The live seat stream (`/api/events/:id/seats/stream`): a snapshot, then
 * deltas, applied to the page's SeatMapState. A delta that does not follow
 * the last one means frames were missed: the page reconnects, and the
 * server answers with the missed changes or a fresh snapshot.
 */
import type { SeatDeltaFrame, SeatSnapshotFrame } from "../../shared/seat-stream";
import type { SeatMapState } from "../seat-map/map-state";

export interface StreamHandlers {
  snapshot(): void;
  delta(seats: number[], sections: Set<number>, frame: SeatDeltaFrame): void;
  /** The snapshot does not fit this page's map (the venue changed). */
  stale(): void;
  connecting(): void;
}

export function followSeats(eventId: string, state: SeatMapState, on: StreamHandlers): void {
  const connect = () => {
    const source = new EventSource(`/api/events/${eventId}/seats/stream`);
    source.addEventListener("snapshot", (e) => {
      if (!state.applySnapshot(JSON.parse((e as MessageEvent<string>).data) as SeatSnapshotFrame)) {
        source.close();
        on.stale();
        return;
      }
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
      on.delta(outcome.seats, outcome.sections, frame);
    });
    source.onerror = () => on.connecting();
  };
  connect();
}
