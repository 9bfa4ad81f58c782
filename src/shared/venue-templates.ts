/**
 * Seat-map templates: the sections of a typical club, theater, arena or
 * stadium, for the demo seed and for organizers who start from a template.
 * A stadium is drawn as a bowl of positioned seats around the pitch; the
 * others are blocks of rows that `buildSeatMap` lays out.
 */
import type { SectionInput, StagePlacement } from "./seat-map";

export const VENUE_KINDS = ["club", "theater", "arena", "stadium"] as const;
export type VenueKind = (typeof VENUE_KINDS)[number];

const rows = (count: number, seats: number, prefix = "") =>
  Array.from({ length: count }, (_, i) => ({ name: `${prefix}${rowName(i)}`, seats }));

type RowOfCount = { name: string; seats: number; wheelchair?: number[]; companion?: number[] };

/** Marks wheelchair spaces and companion seats (by seat number) in one row of a block. */
function accessible(block: RowOfCount[], row: number, wheelchair: number[], companion: number[]): RowOfCount[] {
  return block.map((r, i) => (i === row ? { ...r, wheelchair: wheelchair.filter((n) => n <= r.seats), companion: companion.filter((n) => n <= r.seats) } : r));
}

/** A, B, … Z, AA, BB, … as theaters name rows. */
export function rowName(i: number): string {
  const letter = String.fromCharCode(65 + (i % 26));
  return letter.repeat(Math.floor(i / 26) + 1);
}

export function venueTemplate(kind: VenueKind, scale = 1): SectionInput[] {
  const n = (x: number) => Math.max(1, Math.round(x * scale));
  switch (kind) {
    case "club":
      return [
        { name: "Standing", capacity: n(60) },
        { name: "Balcony", rows: accessible(rows(2, n(12)), 0, [1], [2]) },
      ];
    case "theater":
      return [
        // Wheelchair spaces at both ends of the orchestra's last row, level with the doors.
        { name: "Orchestra", rows: accessible(rows(n(12), 20), n(12) - 1, [1, 2, 19, 20], [3, 18]) },
        { name: "Mezzanine", rows: rows(n(6), 18) },
        { name: "Balcony", rows: rows(n(6), 16) },
      ];
    case "arena":
      return [
        { name: "Floor", capacity: n(400) },
        ...Array.from({ length: 8 }, (_, i) => ({ name: `Section ${101 + i}`, rows: accessible(rows(n(10), 10), 0, [1, 10], [2, 9]) })),
      ];
    case "stadium":
      return stadiumBowl(n(60), STADIUM_ROWS, 50);
  }
}

/** The stage of a template: the pitch inside a stadium's bowl, a stage above the blocks elsewhere. */
export function templateStage(kind: VenueKind): StagePlacement {
  if (kind !== "stadium") return { label: "Stage", placement: "top" };
  const { x, y, width, height } = STADIUM_PITCH;
  return { label: "Pitch", x, y, width, height };
}

const PITCH = { width: 1200, height: 800 };
const STADIUM_ROWS = 30;
/** Where stadiumBowl's pitch lies (for the template's 30 rows), inset from the first row. */
const STADIUM_PITCH = { x: 150 + STADIUM_ROWS + 20, y: 150 + STADIUM_ROWS + 20, width: PITCH.width - 40, height: PITCH.height - 40 };

/**
 * A rectangular bowl: `sections` blocks of `rowsPerSection` rows of
 * `seatsPerRow` seats, spread evenly around a pitch, each row further out,
 * with seat positions given so the map looks like the building.
 */
export function stadiumBowl(sections: number, rowsPerSection: number, seatsPerRow: number): SectionInput[] {
  const pitch = PITCH;
  const centre = { x: 150 + pitch.width / 2 + rowsPerSection, y: 150 + pitch.height / 2 + rowsPerSection };
  return Array.from({ length: sections }, (_, s) => ({
    name: `Block ${s + 1}`,
    rows: Array.from({ length: rowsPerSection }, (_, r) => {
      const offset = 40 + r * 3.5;
      const w = pitch.width + 2 * offset;
      const h = pitch.height + 2 * offset;
      // The front row of every block has wheelchair spaces at its two ends, each pair with a companion seat beside it.
      const ends = r === 0 && seatsPerRow >= 12 ? { wheelchair: [1, 2, 3, 4, seatsPerRow - 3, seatsPerRow - 2, seatsPerRow - 1, seatsPerRow], companion: [5, seatsPerRow - 4] } : {};
      return {
        name: String(r + 1),
        ...ends,
        seats: Array.from({ length: seatsPerRow }, (_, i) => {
          // The same fraction of the way round for every row, so a block's rows line up.
          const fraction = (s + ((i + 0.5) / seatsPerRow) * 0.92) / sections;
          const { x, y } = onRectangle(fraction * 2 * (w + h), w, h);
          return { number: i + 1, x: Math.max(0, centre.x + x), y: Math.max(0, centre.y + y) };
        }),
      };
    }),
  }));
}

/** The point `d` along the outline of a w×h rectangle centred on 0, clockwise from the top-left. */
function onRectangle(d: number, w: number, h: number): { x: number; y: number } {
  const p = d % (2 * (w + h));
  if (p < w) return { x: -w / 2 + p, y: -h / 2 };
  if (p < w + h) return { x: w / 2, y: -h / 2 + (p - w) };
  if (p < 2 * w + h) return { x: w / 2 - (p - w - h), y: h / 2 };
  return { x: -w / 2, y: h / 2 - (p - 2 * w - h) };
}
