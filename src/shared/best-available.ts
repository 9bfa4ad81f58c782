/**
 * "Best available": N adjacent free seats in one row, in a chosen section or
 * price range, never leaving a single stranded seat when a choice that
 * doesn't exists. Rows are tried front to back (rows earlier in a section are
 * nearer the stage), and within a row the block nearest the row's middle wins.
 * General-admission sections have no adjacency: any N free places do.
 */
import type { SeatMap } from "./seat-map";

export interface BestAvailableQuery {
  count: number;
  section?: string | undefined;
  maxPriceCents?: number | undefined;
}

/** `statuses[i]` is '0' when seat index i is free. */
export function bestAvailable(
  map: SeatMap,
  statuses: string,
  priceOf: (sectionName: string) => number | undefined,
  query: BestAvailableQuery,
): number[] | undefined {
  const free = (i: number) => statuses[i] === "0";
  let fallback: number[] | undefined;
  for (const section of map.sections) {
    if (query.section !== undefined && section.name !== query.section) continue;
    const price = priceOf(section.name);
    if (query.maxPriceCents !== undefined && (price === undefined || price > query.maxPriceCents)) continue;
    if (section.kind === "ga") {
      const places: number[] = [];
      for (let i = section.firstIndex; i < section.firstIndex + section.count && places.length < query.count; i++) if (free(i)) places.push(i);
      if (places.length === query.count) return places;
      continue;
    }
    for (const row of section.rows) {
      const n = row.seats.length;
      const middle = (n - query.count) / 2;
      let best: { start: number; strands: boolean } | undefined;
      for (let start = 0; start + query.count <= n; start++) {
        let ok = true;
        for (let k = 0; k < query.count && ok; k++) ok = free(row.firstIndex + start + k);
        if (!ok) continue;
        // A lone free seat left on either side is a stranded seat.
        const leftAlone = start >= 1 && free(row.firstIndex + start - 1) && (start === 1 || !free(row.firstIndex + start - 2));
        const end = start + query.count;
        const rightAlone = end < n && free(row.firstIndex + end) && (end === n - 1 || !free(row.firstIndex + end + 1));
        const strands = leftAlone || rightAlone;
        const better =
          !best ||
          (best.strands && !strands) ||
          (best.strands === strands && Math.abs(start - middle) < Math.abs(best.start - middle));
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
