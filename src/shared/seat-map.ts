/**
 * A venue's seat map: what an organizer sends, and the compact form the
 * system stores and serves.
 *
 * Every seat and every general-admission place of a venue has a *seat
 * index*: sections in order, rows in order, seats in order, GA places last
 * within their section. An event has exactly one ticket per seat index, so
 * the index is the ticket's identity within its event and the position of its
 * status in the live seat snapshot (one status per index).
 *
 * Rows are stored as parallel arrays (`seats`, `x`, `y`) rather than one
 * object per seat: a stadium has 80,000 seats and this halves the document.
 */
import { z } from "@hono/zod-openapi";
import { SEAT_TYPE_CODES } from "./seat-types";

const name = z.string().trim().min(1).max(100);
const coordinate = z.number().finite().min(0).max(100_000);

export const MAX_VENUE_PLACES = 200_000;

const PositionedSeat = z.object({
  number: z.union([z.string().trim().min(1).max(20), z.number().int().min(0).max(1_000_000)]),
  x: coordinate,
  y: coordinate,
});

const seatNumbers = z.array(z.union([z.string().trim().min(1).max(20), z.number().int().min(0).max(1_000_000)])).max(1_000);

const RowInput = z.object({
  name,
  seats: z.union([
    z.number().int().min(1).max(1_000).openapi({ description: "a count: seats are numbered 1..n and laid out in a line" }),
    z.array(PositionedSeat).min(1).max(1_000).openapi({ description: "explicit seats with drawing positions" }),
  ]),
  wheelchair: seatNumbers.optional().openapi({ description: "numbers of this row's seats that are wheelchair spaces" }),
  companion: seatNumbers.optional().openapi({ description: "numbers of this row's seats for a wheelchair user's companion" }),
});


const SeatedSectionInput = z.object({ name, rows: z.array(RowInput).min(1).max(500) });
const GaSectionInput = z.object({
  name,
  capacity: z.number().int().min(1).max(MAX_VENUE_PLACES).openapi({ description: "general admission: places, no seats" }),
});

export const SectionInput = z.union([SeatedSectionInput, GaSectionInput]);
export type SectionInput = z.infer<typeof SectionInput>;

/** Where the show is: a stage, a pitch, a ring. Drawn on the map; it holds no seats. */
export const StageInput = z
  .object({ label: name, x: coordinate, y: coordinate, width: z.number().finite().min(1).max(100_000), height: z.number().finite().min(1).max(100_000) })
  .strict()
  .openapi({ description: "the stage or pitch, drawn on the seat map (map units, as seat positions)" });
export type StageInput = z.infer<typeof StageInput>;

/** A stage given by position, or one the builder puts above the sections it lays out. */
export type StagePlacement = StageInput | { label: string; placement: "top" };

export interface SeatedRow {
  name: string;
  firstIndex: number;
  seats: string[];
  x: number[];
  y: number[];
  /** One SEAT_TYPE_CODES character per seat; absent when every seat is standard (most rows). */
  types?: string;
}

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Section =
  | { kind: "seated"; name: string; firstIndex: number; count: number; rows: SeatedRow[] }
  | { kind: "ga"; name: string; firstIndex: number; count: number; area: Area };

export interface SeatMap {
  width: number;
  height: number;
  sections: Section[];
  /** Absent on venues made before stages were drawn. */
  stage?: Area & { label: string };
}

/** One place of a venue, as a ticket is created for it. */
export interface Place {
  seatIndex: number;
  section: string;
  row: string | null;
  seat: string | null;
}

export class SeatMapError extends Error {}

const SEAT_PITCH = 1;
const SECTION_GAP = 3;
const BAND_WIDTH = 120;
const STAGE_DEPTH = 6;

/**
 * Builds the stored seat map from an organizer's sections. Explicit seat
 * positions are kept as given; sections given as counts are laid out in
 * blocks, left to right in bands, below anything positioned explicitly.
 */
export function buildSeatMap(sections: SectionInput[], stage?: StagePlacement): SeatMap {
  assertUnique(sections.map((s) => s.name), "section");
  const explicit = explicitBounds(sections);
  // Blocks laid out here go below anything positioned: seats given with positions, or a stage.
  const stageBottom = !stage ? 0 : "placement" in stage ? STAGE_DEPTH + SECTION_GAP : stage.y + stage.height + SECTION_GAP;
  let cursorX = 0;
  let cursorY = explicit ? Math.max(explicit.maxY + SECTION_GAP, stageBottom) : stageBottom;
  let bandHeight = 0;
  let index = 0;
  const built: Section[] = [];

  // Reserves a block for a generated section and returns its origin.
  const place = (width: number, height: number): { x: number; y: number } => {
    if (cursorX > 0 && cursorX + width > BAND_WIDTH) {
      cursorX = 0;
      cursorY += bandHeight + SECTION_GAP;
      bandHeight = 0;
    }
    const origin = { x: cursorX, y: cursorY };
    cursorX += width + SECTION_GAP;
    bandHeight = Math.max(bandHeight, height);
    return origin;
  };

  for (const section of sections) {
    const firstIndex = index;
    if ("capacity" in section) {
      const side = Math.max(4, Math.ceil(Math.sqrt(section.capacity) / 2));
      const area = { ...place(side * 2, side), width: side * 2, height: side };
      built.push({ kind: "ga", name: section.name, firstIndex, count: section.capacity, area });
      index += section.capacity;
    } else {
      assertUnique(section.rows.map((r) => r.name), `row in section ${section.name}`);
      const widest = Math.max(...section.rows.map((r) => (typeof r.seats === "number" ? r.seats : 0)));
      const generated = section.rows.some((r) => typeof r.seats === "number");
      const origin = generated ? place(widest * SEAT_PITCH, section.rows.length * SEAT_PITCH) : { x: 0, y: 0 };
      const rows = section.rows.map((row, rowIndex): SeatedRow => {
        const built = buildRow(row, origin, rowIndex, index, section.name);
        index += built.seats.length;
        return built;
      });
      built.push({ kind: "seated", name: section.name, firstIndex, count: index - firstIndex, rows });
    }
    if (index > MAX_VENUE_PLACES) {
      throw new SeatMapError(`a venue holds at most ${MAX_VENUE_PLACES} places`);
    }
  }

  const extent = bounds(built);
  const map: SeatMap = { width: round(extent.maxX + SEAT_PITCH), height: round(extent.maxY + SEAT_PITCH), sections: built };
  if (stage && "placement" in stage) {
    // Centred over the blocks of the first band, as wide as they are.
    map.stage = { label: stage.label, x: 0, y: 0, width: round(extent.maxX + SEAT_PITCH), height: STAGE_DEPTH };
  } else if (stage) {
    map.stage = { label: stage.label, x: stage.x, y: stage.y, width: stage.width, height: stage.height };
    map.width = round(Math.max(map.width, stage.x + stage.width));
    map.height = round(Math.max(map.height, stage.y + stage.height));
  }
  return map;
}

function buildRow(
  row: z.infer<typeof RowInput>,
  origin: { x: number; y: number },
  rowIndex: number,
  firstIndex: number,
  sectionName: string,
): SeatedRow {
  let built: SeatedRow;
  if (typeof row.seats === "number") {
    const seats = Array.from({ length: row.seats }, (_, i) => String(i + 1));
    built = {
      name: row.name,
      firstIndex,
      seats,
      x: seats.map((_, i) => round(origin.x + i * SEAT_PITCH)),
      y: seats.map(() => round(origin.y + rowIndex * SEAT_PITCH)),
    };
  } else {
    const seats = row.seats.map((s) => String(s.number));
    assertUnique(seats, `seat in row ${row.name} of section ${sectionName}`);
    built = { name: row.name, firstIndex, seats, x: row.seats.map((s) => round(s.x)), y: row.seats.map((s) => round(s.y)) };
  }
  const types = seatTypes(built.seats, row, `row ${row.name} of section ${sectionName}`);
  if (types) built.types = types;
  return built;
}

/** The row's `types`, or undefined when every seat is standard; a seat named that the row lacks, or named twice, is an error. */
function seatTypes(seats: string[], row: z.infer<typeof RowInput>, where: string): string | undefined {
  if (!row.wheelchair?.length && !row.companion?.length) return undefined;
  const position = new Map(seats.map((s, i) => [s, i]));
  const codes = seats.map(() => SEAT_TYPE_CODES.standard);
  for (const [type, numbers] of [["wheelchair", row.wheelchair ?? []], ["companion", row.companion ?? []]] as const) {
    for (const number of numbers) {
      const i = position.get(String(number));
      if (i === undefined) throw new SeatMapError(`${where} has no seat ${number} to make a ${type} seat`);
      if (codes[i] !== SEAT_TYPE_CODES.standard) throw new SeatMapError(`seat ${number} of ${where} is given two types`);
      codes[i] = SEAT_TYPE_CODES[type];
    }
  }
  return codes.join("");
}


/** Every place of the map in seat-index order. */
export function* placesOf(map: SeatMap): Generator<Place> {
  for (const section of map.sections) {
    if (section.kind === "ga") {
      for (let i = 0; i < section.count; i++) {
        yield { seatIndex: section.firstIndex + i, section: section.name, row: null, seat: null };
      }
      continue;
    }
    for (const row of section.rows) {
      for (let i = 0; i < row.seats.length; i++) {
        yield { seatIndex: row.firstIndex + i, section: section.name, row: row.name, seat: row.seats[i] ?? null };
      }
    }
  }
}

export function capacityOf(map: SeatMap): number {
  return map.sections.reduce((sum, s) => sum + s.count, 0);
}

function explicitBounds(sections: SectionInput[]): { maxY: number } | undefined {
  let maxY = -Infinity;
  for (const section of sections) {
    if (!("rows" in section)) continue;
    for (const row of section.rows) {
      if (typeof row.seats === "number") continue;
      for (const seat of row.seats) maxY = Math.max(maxY, seat.y);
    }
  }
  return maxY === -Infinity ? undefined : { maxY };
}

function bounds(sections: Section[]): { maxX: number; maxY: number } {
  let maxX = 0;
  let maxY = 0;
  for (const section of sections) {
    if (section.kind === "ga") {
      maxX = Math.max(maxX, section.area.x + section.area.width);
      maxY = Math.max(maxY, section.area.y + section.area.height);
      continue;
    }
    for (const row of section.rows) {
      for (const x of row.x) maxX = Math.max(maxX, x);
      for (const y of row.y) maxY = Math.max(maxY, y);
    }
  }
  return { maxX, maxY };
}

function assertUnique(names: string[], what: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new SeatMapError(`duplicate ${what} name "${n}"`);
    seen.add(n);
  }
}

const round = (n: number): number => Math.round(n * 10) / 10;
