/**
 * The event page's live seat map state (src/client/seat-map/map-state.ts):
 * snapshot and delta frames as the SeatRoom writes them, applied to the
 * per-seat statuses and the per-section counts the overview colours from.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SeatMapState } from "../../src/client/seat-map/map-state";
import { seatStep } from "../../src/client/seat-map/seat-keys";
import { SEAT_STATUSES, type SeatStatus } from "../../src/shared/room-protocol";
import { buildSeatMap } from "../../src/shared/seat-map";
import type { SeatDeltaFrame } from "../../src/shared/seat-stream";
import { templateStage, venueTemplate } from "../../src/shared/venue-templates";

const map = buildSeatMap([
  { name: "Front", rows: [{ name: "A", seats: 4 }] },
  { name: "Floor", capacity: 3 },
  { name: "Back", rows: [{ name: "A", seats: 2 }, { name: "B", seats: 2 }] },
]);
const EVENT = "ev_0123456789abcdef";

function delta(from: number, seq: number, changes: Partial<Record<SeatStatus, number[]>>): SeatDeltaFrame {
  const frame = { from, seq, available: [], held: [], sold: [], blocked: [] } as SeatDeltaFrame;
  for (const status of SEAT_STATUSES) frame[status] = (changes[status] ?? []).map((i) => `${EVENT}.${i}`);
  return frame;
}

describe("the live seat map state", () => {
  it("counts a snapshot by section and status", () => {
    const state = new SeatMapState(map);
    expect(state.applySnapshot({ eventId: EVENT, seq: 7, statuses: "0120" + "300" + "2200" })).toBe(true);
    expect(state.counts).toEqual([
      [2, 1, 1, 0],
      [2, 0, 0, 1],
      [2, 0, 2, 0],
    ]);
    expect(state.seq).toBe(7);
    expect(state.status(1)).toBe("held");
    expect(state.isAvailable(0)).toBe(true);
    expect(state.isAvailable(2)).toBe(false);
  });

  it("knows nothing is available before the snapshot, and refuses a snapshot of another map's size", () => {
    const state = new SeatMapState(map);
    expect(state.isAvailable(0)).toBe(false);
    expect(state.applySnapshot({ eventId: EVENT, seq: 1, statuses: "000" })).toBe(false);
    expect(state.live).toBe(false);
  });

  it("applies a delta that follows, moving only the seats whose status changed, and says which sections to recolour", () => {
    const state = new SeatMapState(map);
    state.applySnapshot({ eventId: EVENT, seq: 3, statuses: "0".repeat(11) });
    const outcome = state.applyDelta(delta(4, 5, { held: [0, 1, 9], sold: [], available: [2] }));
    expect(outcome).toEqual({ kind: "applied", seats: [0, 1, 9], sections: new Set([0, 2]) });
    expect(state.counts[0]).toEqual([2, 2, 0, 0]);
    expect(state.counts[2]).toEqual([3, 1, 0, 0]);
    expect(state.soldOutSections()).toEqual([]);
    expect(state.seq).toBe(5);
  });

  it("reports a gap (reconnect) for a delta that does not follow, or one before any snapshot, and changes nothing", () => {
    const state = new SeatMapState(map);
    expect(state.applyDelta(delta(0, 0, { held: [0] })).kind).toBe("gap");
    state.applySnapshot({ eventId: EVENT, seq: 3, statuses: "0".repeat(11) });
    expect(state.applyDelta(delta(5, 6, { held: [0] })).kind).toBe("gap");
    expect(state.codes[0]).toBe(0);
    expect(state.seq).toBe(3);
  });

  it("ignores ticket ids outside the map", () => {
    const state = new SeatMapState(map);
    state.applySnapshot({ eventId: EVENT, seq: 0, statuses: "0".repeat(11) });
    const outcome = state.applyDelta({ ...delta(1, 1, {}), held: [`${EVENT}.11`, `${EVENT}.-1`, `${EVENT}.x`] });
    expect(outcome).toEqual({ kind: "applied", seats: [], sections: new Set() });
  });

  it("names the sections with nothing left", () => {
    const state = new SeatMapState(map);
    state.applySnapshot({ eventId: EVENT, seq: 0, statuses: "0000" + "123" + "0000" });
    expect(state.soldOutSections()).toEqual(["Floor"]);
  });

  it("after any run of deltas, the counts are those of the statuses (property)", () => {
    const size = 11;
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(fc.nat(size - 1), fc.constantFrom(...SEAT_STATUSES)), { maxLength: 8 }), { maxLength: 20 }), (frames) => {
        const state = new SeatMapState(map);
        state.applySnapshot({ eventId: EVENT, seq: 0, statuses: "0".repeat(size) });
        const expected = new Array<SeatStatus>(size).fill("available");
        frames.forEach((changes, n) => {
          const byStatus: Partial<Record<SeatStatus, number[]>> = {};
          // A delta lists each seat once, by its latest status.
          const latest = new Map(changes);
          for (const [seat, status] of latest) (byStatus[status] ??= []).push(seat);
          for (const [seat, status] of latest) expected[seat] = status;
          expect(state.applyDelta(delta(n + 1, n + 1, byStatus)).kind).toBe("applied");
        });
        map.sections.forEach((section, k) => {
          const counts = SEAT_STATUSES.map((status) => expected.slice(section.firstIndex, section.firstIndex + section.count).filter((s) => s === status).length);
          expect(state.counts[k]).toEqual(counts);
        });
      }),
    );
  });

  it("takes the 90,000-seat stadium's snapshot and a 1,000-seat delta", () => {
    const stadium = buildSeatMap(venueTemplate("stadium"), templateStage("stadium"));
    const state = new SeatMapState(stadium);
    expect(state.size).toBe(90_000);
    expect(state.applySnapshot({ eventId: EVENT, seq: 0, statuses: "0".repeat(90_000) })).toBe(true);
    const seats = Array.from({ length: 1_000 }, (_, k) => k * 89);
    const outcome = state.applyDelta(delta(1, 1, { sold: seats }));
    expect(outcome.kind === "applied" && outcome.seats.length).toBe(1_000);
    expect(state.counts.reduce((n, c) => n + c[2], 0)).toBe(1_000);
  });
});

describe("moving between seats with the keyboard", () => {
  const block = buildSeatMap([{ name: "Block", rows: [{ name: "A", seats: 4 }, { name: "B", seats: 2 }, { name: "C", seats: 4 }] }]).sections[0];

  it("goes along the row, to the same place in the next or previous row (the end of a shorter one), and stops at the edges", () => {
    if (!block) throw new Error("no section");
    // Row A: 0-3, row B: 4-5, row C: 6-9.
    expect(seatStep(block, 1, "ArrowRight")).toBe(2);
    expect(seatStep(block, 3, "ArrowRight")).toBeUndefined();
    expect(seatStep(block, 0, "ArrowLeft")).toBeUndefined();
    expect(seatStep(block, 3, "ArrowDown")).toBe(5);
    expect(seatStep(block, 5, "ArrowDown")).toBe(7);
    expect(seatStep(block, 7, "ArrowUp")).toBe(5);
    expect(seatStep(block, 2, "ArrowUp")).toBeUndefined();
    expect(seatStep(block, 8, "ArrowDown")).toBeUndefined();
    expect(seatStep(block, 7, "Home")).toBe(6);
    expect(seatStep(block, 6, "End")).toBe(9);
    expect(seatStep(block, 6, "x")).toBeUndefined();
  });

  it("a general-admission section has no seats to move between", () => {
    const floor = buildSeatMap([{ name: "Floor", capacity: 10 }]).sections[0];
    if (!floor) throw new Error("no section");
    expect(seatStep(floor, 0, "ArrowRight")).toBeUndefined();
  });
});
