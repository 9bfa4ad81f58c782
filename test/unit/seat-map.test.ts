import { describe, expect, it } from "vitest";
import { parseTicketId, ticketId } from "../../src/shared/ids";
import { buildSeatMap, capacityOf, placesOf, SeatMapError } from "../../src/shared/seat-map";
import { venueTemplate } from "../../src/shared/venue-templates";

describe("seat map", () => {
  it("gives every place an index: sections, rows and seats in order, GA places in their section", () => {
    const map = buildSeatMap([
      { name: "Stalls", rows: [{ name: "A", seats: 3 }, { name: "B", seats: 2 }] },
      { name: "Pit", capacity: 2 },
      { name: "Box", rows: [{ name: "1", seats: [{ number: "1A", x: 10, y: 40 }] }] },
    ]);
    expect([...placesOf(map)]).toEqual([
      { seatIndex: 0, section: "Stalls", row: "A", seat: "1" },
      { seatIndex: 1, section: "Stalls", row: "A", seat: "2" },
      { seatIndex: 2, section: "Stalls", row: "A", seat: "3" },
      { seatIndex: 3, section: "Stalls", row: "B", seat: "1" },
      { seatIndex: 4, section: "Stalls", row: "B", seat: "2" },
      { seatIndex: 5, section: "Pit", row: null, seat: null },
      { seatIndex: 6, section: "Pit", row: null, seat: null },
      { seatIndex: 7, section: "Box", row: "1", seat: "1A" },
    ]);
    expect(capacityOf(map)).toBe(8);
  });

  it("keeps explicit seat positions and lays generated sections out below them", () => {
    const map = buildSeatMap([
      { name: "Box", rows: [{ name: "1", seats: [{ number: 1, x: 10, y: 40 }] }] },
      { name: "Stalls", rows: [{ name: "A", seats: 2 }] },
    ]);
    const [box, stalls] = map.sections;
    expect(box?.kind === "seated" && box.rows[0]).toMatchObject({ x: [10], y: [40] });
    expect(stalls?.kind === "seated" && stalls.rows[0]?.y.every((y) => y > 40)).toBe(true);
    expect(map.width).toBeGreaterThan(10);
    expect(map.height).toBeGreaterThan(40);
  });

  it("rejects duplicate section, row and seat names", () => {
    expect(() => buildSeatMap([{ name: "A", capacity: 1 }, { name: "A", capacity: 1 }])).toThrow(SeatMapError);
    expect(() => buildSeatMap([{ name: "S", rows: [{ name: "1", seats: 1 }, { name: "1", seats: 2 }] }])).toThrow(/row/);
    expect(() =>
      buildSeatMap([{ name: "S", rows: [{ name: "1", seats: [{ number: 1, x: 0, y: 0 }, { number: "1", x: 1, y: 0 }] }] }]),
    ).toThrow(/seat/);
  });

  it("refuses a venue larger than the limit", () => {
    expect(() => buildSeatMap([{ name: "Field", capacity: 150_000 }, { name: "More", capacity: 60_000 }])).toThrow(/at most/);
  });

  it("draws a stadium of at least 50,000 seats from its template", () => {
    const map = buildSeatMap(venueTemplate("stadium"));
    expect(capacityOf(map)).toBeGreaterThanOrEqual(50_000);
    expect(capacityOf(buildSeatMap(venueTemplate("club")))).toBeLessThanOrEqual(100);
  });
});

describe("ticket ids", () => {
  it("name the event and the seat index, and parse back", () => {
    const id = ticketId("ev_abc123", 4711);
    expect(id).toBe("ev_abc123.4711");
    expect(parseTicketId(id)).toEqual({ eventId: "ev_abc123", seatIndex: 4711 });
    expect(parseTicketId("ev_abc123")).toBeUndefined();
    expect(parseTicketId("ev_abc123.-1")).toBeUndefined();
  });
});

describe("seat types", () => {
  it("stores wheelchair spaces and companion seats as one character per seat, and nothing for all-standard rows", async () => {
    const { seatTypeOf } = await import("../../src/shared/seat-types");
    const map = buildSeatMap([
      {
        name: "Stalls",
        rows: [
          { name: "A", seats: 4, wheelchair: [1], companion: ["2"] },
          { name: "B", seats: 4 },
          { name: "C", seats: [{ number: "C9", x: 0, y: 5 }, { number: "C10", x: 1, y: 5 }], wheelchair: ["C10"] },
        ],
      },
    ]);
    const section = map.sections[0];
    if (section?.kind !== "seated") throw new Error("expected seats");
    const [a, b, c] = section.rows;
    expect(a?.types).toBe("wcss");
    expect(b && "types" in b).toBe(false);
    expect(c?.types).toBe("sw");
    if (!a || !c) throw new Error("rows");
    expect([0, 1, 2].map((i) => seatTypeOf(a, i))).toEqual(["wheelchair", "companion", "standard"]);
    expect(seatTypeOf(c, c.firstIndex + 1)).toBe("wheelchair");
  });

  it("refuses a type for a seat the row does not have, or two types for one seat", () => {
    expect(() => buildSeatMap([{ name: "S", rows: [{ name: "A", seats: 4, wheelchair: [5] }] }])).toThrow(/no seat 5/);
    expect(() => buildSeatMap([{ name: "S", rows: [{ name: "A", seats: 4, wheelchair: [1], companion: [1] }] }])).toThrow(/two types/);
  });

  it("every template but the club's general admission has wheelchair spaces", () => {
    for (const kind of ["club", "theater", "arena", "stadium"] as const) {
      const built = buildSeatMap(venueTemplate(kind));
      const wheelchair = built.sections.flatMap((s) => (s.kind === "seated" ? s.rows : [])).reduce((n, r) => n + [...(r.types ?? "")].filter((t) => t === "w").length, 0);
      expect(wheelchair, kind).toBeGreaterThan(0);
    }
  });
});
