import { describe, expect, it } from "vitest";
import { bestAvailable } from "../../src/shared/best-available";
import { buildSeatMap } from "../../src/shared/seat-map";

const map = buildSeatMap([
  { name: "Front", rows: [{ name: "A", seats: 6 }, { name: "B", seats: 6 }] },
  { name: "Back", rows: [{ name: "C", seats: 6 }] },
  { name: "Lawn", capacity: 4 },
]);
const prices: Record<string, number> = { Front: 9000, Back: 4000, Lawn: 2000 };
const priceOf = (s: string) => prices[s];
// Seat indexes: Front A 0-5, Front B 6-11, Back C 12-17, Lawn 18-21.
const statuses = (taken: number[]) => [...Array(22)].map((_, i) => (taken.includes(i) ? "2" : "0")).join("");

describe("best available", () => {
  it("takes N adjacent seats in the front row, nearest the middle", () => {
    expect(bestAvailable(map, statuses([]), priceOf, { count: 2 })).toEqual([2, 3]);
  });

  it("does not leave a single stranded seat when another block avoids it", () => {
    // Row A: seats 0 and 5 taken → free 1-4. Two seats at 2-3 would strand 1 and 4; 1-2 strands nothing on the left (0 taken) but leaves 3-4 (two seats, fine).
    const seats = bestAvailable(map, statuses([0, 5]), priceOf, { count: 2 });
    expect(seats).toEqual([1, 2]);
  });

  it("moves to the next row when the front row has no block, and honours section and price", () => {
    expect(bestAvailable(map, statuses([0, 2, 4]), priceOf, { count: 2 })).toEqual([8, 9]);
    // 13-15 or 14-16 would strand seat 12 or 17: the block at the row end leaves three together.
    expect(bestAvailable(map, statuses([]), priceOf, { count: 3, section: "Back" })).toEqual([12, 13, 14]);
    expect(bestAvailable(map, statuses([]), priceOf, { count: 2, maxPriceCents: 5000 })).toEqual([14, 15]);
  });

  it("gives any free places in a general-admission section, and nothing when there is no room", () => {
    expect(bestAvailable(map, statuses([18]), priceOf, { count: 3, section: "Lawn" })).toEqual([19, 20, 21]);
    expect(bestAvailable(map, statuses([18, 19]), priceOf, { count: 3, section: "Lawn" })).toBeUndefined();
    expect(bestAvailable(map, statuses([]), priceOf, { count: 7, section: "Front" })).toBeUndefined();
  });

  it("falls back to a block that strands a seat when nothing else fits", () => {
    // Only 3 free seats in the only row of Back: 12,13,14 free; 15-17 taken. Two seats strand one either way.
    expect(bestAvailable(map, statuses([15, 16, 17]), priceOf, { count: 2, section: "Back" })).toHaveLength(2);
  });
});

describe("best available and accessible seats", () => {
  // Row A: 1-2 wheelchair spaces, 3 companion, 4-8 standard. Row B: all standard.
  const hall = buildSeatMap([
    {
      name: "Stalls",
      rows: [
        { name: "A", seats: 8, wheelchair: [1, 2], companion: [3] },
        { name: "B", seats: 8 },
      ],
    },
  ]);
  const free = (taken: number[] = []) => [...Array(16)].map((_, i) => (taken.includes(i) ? "2" : "0")).join("");
  const price = () => 5000;

  it("an ordinary request leaves wheelchair and companion seats alone while other seats are free", () => {
    expect(bestAvailable(hall, free(), price, { count: 2 })).toEqual([3, 4]);
    // Row A's standard seats gone: row B, not the accessible seats.
    expect(bestAvailable(hall, free([3, 4, 5, 6, 7]), price, { count: 2 })).toEqual([11, 12]);
  });

  it("an ordinary request takes them when nothing else is left", () => {
    const onlyAccessible = free([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(bestAvailable(hall, onlyAccessible, price, { count: 2 })).toEqual([1, 2]);
  });

  it("an accessible request gets a wheelchair space, with its companion seat", () => {
    expect(bestAvailable(hall, free(), price, { count: 2, accessible: true })).toEqual([1, 2]);
    expect(bestAvailable(hall, free(), price, { count: 3, accessible: true })).toEqual([0, 1, 2]);
    // Four seats: the accessible block is too small, so a block that still has a wheelchair space.
    expect(bestAvailable(hall, free(), price, { count: 4, accessible: true })).toEqual([0, 1, 2, 3]);
    // No wheelchair space free: nothing, rather than seats that do not serve.
    expect(bestAvailable(hall, free([0, 1]), price, { count: 2, accessible: true })).toBeUndefined();
  });
});
