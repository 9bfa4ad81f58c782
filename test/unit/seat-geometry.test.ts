/** Section shapes and labels of the seat map's overview (src/shared/seat-geometry.ts). */
import { describe, expect, it } from "vitest";
import { inside, labelSize, mapShapes, nearestSeat, seatAt, sectionShape } from "../../src/shared/seat-geometry";
import { heatOf, HEAT_LEVELS, SOLD_OUT_LEVEL } from "../../src/shared/seat-heat";
import { buildSeatMap } from "../../src/shared/seat-map";
import { templateStage, venueTemplate } from "../../src/shared/venue-templates";

describe("section shapes", () => {
  const stadium = buildSeatMap(venueTemplate("stadium"), templateStage("stadium"));

  it("the stadium's pitch lies inside its bowl, clear of every seat", () => {
    const pitch = stadium.stage;
    expect(pitch?.label).toBe("Pitch");
    if (!pitch) return;
    let onThePitch = 0;
    let seats = 0;
    for (const section of stadium.sections) {
      if (section.kind !== "seated") continue;
      for (const row of section.rows) {
        row.x.forEach((x, k) => {
          const y = row.y[k] ?? 0;
          seats++;
          if (x > pitch.x && x < pitch.x + pitch.width && y > pitch.y && y < pitch.y + pitch.height) onThePitch++;
        });
      }
    }
    expect(seats).toBe(90_000);
    expect(onThePitch).toBe(0);
  });

  it("every stadium section's outline holds its label's anchor and every one of its seats, corner blocks included", () => {
    const shapes = mapShapes(stadium);
    stadium.sections.forEach((section, k) => {
      const shape = shapes[k];
      if (!shape || section.kind !== "seated") throw new Error("expected a seated section");
      expect(inside(shape.anchor, shape.outline)).toBe(true);
      // Seat centres of the middle row (the first and last rows are the outline's edges).
      const middle = section.rows[Math.floor(section.rows.length / 2)];
      middle?.x.forEach((x, s) => expect(inside({ x, y: middle.y[s] ?? 0 }, shape.outline)).toBe(true));
    });
  });

  it("a label never takes more room than its shape has, and is hidden (0) rather than shrunk below the smallest size", () => {
    for (const shape of mapShapes(stadium)) {
      const size = labelSize(shape, "Block 60", 1, 100);
      if (size > 0) {
        expect(size * 0.62 * "Block 60".length).toBeLessThanOrEqual(shape.length);
        expect(size).toBeLessThanOrEqual(shape.depth);
      }
    }
    expect(labelSize({ length: 10, depth: 10 }, "A long section name", 5, 20)).toBe(0);
    expect(labelSize({ length: 1000, depth: 1000 }, "Floor", 1, 20)).toBe(20);
  });

  it("a single row, or rows given out of order, still make a shape with area that holds every seat", () => {
    const single = buildSeatMap([{ name: "Box", rows: [{ name: "1", seats: 6 }] }]).sections[0];
    const twisted = buildSeatMap([
      {
        name: "Odd",
        rows: [
          { name: "B", seats: [{ number: 1, x: 0, y: 2 }, { number: 2, x: 1, y: 2 }, { number: 3, x: 2, y: 2 }] },
          { name: "A", seats: [{ number: 3, x: 2, y: 0 }, { number: 1, x: 0, y: 0 }, { number: 2, x: 1, y: 0 }] },
          { name: "C", seats: [{ number: 1, x: 0, y: 1 }, { number: 2, x: 1, y: 1 }, { number: 3, x: 2, y: 1 }] },
        ],
      },
    ]).sections[0];
    for (const section of [single, twisted]) {
      if (section?.kind !== "seated") throw new Error("expected a seated section");
      const shape = sectionShape(section);
      expect(shape.box.width * shape.box.height).toBeGreaterThan(0);
      for (const row of section.rows) row.x.forEach((x, k) => expect(inside({ x, y: row.y[k] ?? 0 }, shape.outline)).toBe(true));
    }
  });

  it("a general-admission area is its rectangle, labelled in the middle", () => {
    const map = buildSeatMap([{ name: "Floor", capacity: 100 }]);
    const section = map.sections[0];
    if (section?.kind !== "ga") throw new Error("expected general admission");
    const shape = sectionShape(section);
    expect(shape.box).toEqual(section.area);
    expect(shape.anchor).toEqual({ x: section.area.x + section.area.width / 2, y: section.area.y + section.area.height / 2 });
  });

  it("a laid-out venue gets its stage above the sections, as wide as they are", () => {
    const theater = buildSeatMap(venueTemplate("theater"), templateStage("theater"));
    const stage = theater.stage;
    expect(stage).toMatchObject({ label: "Stage", x: 0, y: 0, width: theater.width });
    const firstRowY = theater.sections[0]?.kind === "seated" ? theater.sections[0].rows[0]?.y[0] : undefined;
    expect(firstRowY).toBeGreaterThan((stage?.y ?? 0) + (stage?.height ?? 0));
  });
});

describe("the heat scale", () => {
  it("goes from plenty to sold out as seats go, with a colour for each", () => {
    expect(heatOf(100, 100).name).toBe("Plenty left");
    expect(heatOf(30, 100).name).toBe("Selling");
    expect(heatOf(10, 100).name).toBe("Few left");
    expect(heatOf(1, 100).name).toBe("Last seats");
    expect(heatOf(0, 100)).toBe(SOLD_OUT_LEVEL);
    expect(new Set([...HEAT_LEVELS, SOLD_OUT_LEVEL].map((l) => l.colour)).size).toBe(HEAT_LEVELS.length + 1);
  });
});

describe("a stage given by an organizer", () => {
  it("is kept where it was put, and blocks laid out by count go below it", () => {
    const map = buildSeatMap([{ name: "Stalls", rows: [{ name: "A", seats: 10 }] }], { label: "Ring", x: 0, y: 0, width: 30, height: 12 });
    expect(map.stage).toEqual({ label: "Ring", x: 0, y: 0, width: 30, height: 12 });
    const row = map.sections[0]?.kind === "seated" ? map.sections[0].rows[0] : undefined;
    expect(row?.y[0]).toBeGreaterThan(12);
    expect(map.width).toBeGreaterThanOrEqual(30);
  });
});

describe("nearestSeat", () => {
  const map = buildSeatMap([{ name: "Block", rows: [{ name: "A", seats: 4 }, { name: "B", seats: 4 }] }, { name: "Lawn", capacity: 10 }]);
  const [block, lawn] = map.sections;
  const at = (seat: number) => seatAt(block, seat) ?? { x: NaN, y: NaN };

  it("picks the seat nearest a tap between seats, within reach only", () => {
    const a2 = at(1);
    const a3 = at(2);
    const between = { x: a2.x + (a3.x - a2.x) * 0.4, y: a2.y };
    expect(nearestSeat(block, between, 1)).toBe(1);
    expect(nearestSeat(block, { x: a3.x, y: a3.y + 0.1 }, 1)).toBe(2);
    const b1 = at(4);
    expect(nearestSeat(block, { x: b1.x, y: b1.y + 0.2 }, 1)).toBe(4);
    expect(nearestSeat(block, { x: a2.x, y: a2.y - 5 }, 1)).toBeUndefined();
  });

  it("has no seat to pick in a general-admission section", () => {
    expect(nearestSeat(lawn, { x: 0, y: 0 }, 1_000)).toBeUndefined();
  });
});
