/**
 * "Best available": N adjacent free seats in one row, in a chosen section or
 * price range, never leaving a single stranded seat when a choice that
 * doesn't exists. Rows are tried front to back (rows earlier in a section are
 * nearer the stage), and within a row the block nearest the row's middle wins.
 * General-admission sections have no adjacency: any N free places do.
 *
 * Wheelchair spaces and companion seats (seat-types.ts) are kept for those
 * who ask for them: an ordinary request takes them only when nothing else is
 * left; an accessible request (`accessible`) takes a block with at least one
 * wheelchair space, preferring one made only of wheelchair and companion
 * seats.
 */
import type { SeatedRow, SeatMap } from "./seat-map";
import { SEAT_TYPE_CODES } from "./seat-types";

export interface BestAvailableQuery {
  count: number;
  section?: string | undefined;
  maxPriceCents?: number | undefined;
  accessible?: boolean | undefined;
}

/** Which seats a pass may use, and whether a block of them will do. */
interface Pass {
  usable(row: SeatedRow, offset: number): boolean;
  fits(row: SeatedRow, start: number, count: number): boolean;
  /** General admission has no seat types: only ordinary requests use it. */
  ga: boolean;
}

const code = (row: SeatedRow, offset: number) => row.types?.[offset] ?? SEAT_TYPE_CODES.standard;
const anyBlock = () => true;

const ORDINARY: Pass = { usable: (row, k) => code(row, k) === SEAT_TYPE_CODES.standard, fits: anyBlock, ga: true };
const ANY_SEAT: Pass = { usable: () => true, fits: anyBlock, ga: true };
const withWheelchair = (row: SeatedRow, start: number, count: number) => {
  for (let k = start; k < start + count; k++) if (code(row, k) === SEAT_TYPE_CODES.wheelchair) return true;
  return false;
};
const ACCESSIBLE_ONLY: Pass = { usable: (row, k) => code(row, k) !== SEAT_TYPE_CODES.standard, fits: withWheelchair, ga: false };
const ACCESSIBLE_MIXED: Pass = { usable: () => true, fits: withWheelchair, ga: false };

/** `statuses[i]` is '0' when seat index i is free. */
export function bestAvailable(
  map: SeatMap,
  statuses: string,
  priceOf: (sectionName: string) => number | undefined,
  query: BestAvailableQuery,
): number[] | undefined {
  const passes = query.accessible ? [ACCESSIBLE_ONLY, ACCESSIBLE_MIXED] : [ORDINARY, ANY_SEAT];
  for (const pass of passes) {
    const found = search(map, statuses, priceOf, query, pass);
    if (found) return found;
  }
  return undefined;
}

function search(map: SeatMap, statuses: string, priceOf: (sectionName: string) => number | undefined, query: BestAvailableQuery, pass: Pass): number[] | undefined {
  let fallback: number[] | undefined;
  for (const section of map.sections) {
    if (query.section !== undefined && section.name !== query.section) continue;
    const price = priceOf(section.name);
    if (query.maxPriceCents !== undefined && (price === undefined || price > query.maxPriceCents)) continue;
    if (section.kind === "ga") {
      if (!pass.ga) continue;
      const places: number[] = [];
      for (let i = section.firstIndex; i < section.firstIndex + section.count && places.length < query.count; i++) if (statuses[i] === "0") places.push(i);
      if (places.length === query.count) return places;
      continue;
    }
    for (const row of section.rows) {
      const free = (k: number) => statuses[row.firstIndex + k] === "0" && pass.usable(row, k);
      const n = row.seats.length;
      const middle = (n - query.count) / 2;
      let best: { start: number; strands: boolean } | undefined;
      for (let start = 0; start + query.count <= n; start++) {
        let ok = true;
        for (let k = 0; k < query.count && ok; k++) ok = free(start + k);
        if (!ok || !pass.fits(row, start, query.count)) continue;
        // A lone free seat left on either side is a stranded seat.
        const leftAlone = start >= 1 && free(start - 1) && (start === 1 || !free(start - 2));
        const end = start + query.count;
        const rightAlone = end < n && free(end) && (end === n - 1 || !free(end + 1));
        const strands = leftAlone || rightAlone;
        const better = !best || (best.strands && !strands) || (best.strands === strands && Math.abs(start - middle) < Math.abs(best.start - middle));
        if (better) best = { start, strands };
      }
      if (!best) continue;
      const seats = Array.from({ length: query.count }, (_, k) => row.firstIndex + best.start + k);
      if (!best.strands) return seats;
      fallback ??= seats;
    }
  }
  return fallback;
}
