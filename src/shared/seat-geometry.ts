/**
 * The shapes of a seat map's sections, for drawing an overview: an outline
 * that follows the section (its first row out, its last row back, so a
 * block that turns a stadium's corner turns with it), a point inside it for
 * the label, the label's direction (along the rows), and the room the label
 * has (the rows' length and the section's depth). Pure functions of the
 * stored map, shared by the event page and anything on the server that
 * draws a venue.
 */
import type { Area, Section, SeatMap, SeatedRow } from "./seat-map";

export interface Point {
  x: number;
  y: number;
}

export interface SectionShape {
  /** Closed outline, in map units. */
  outline: Point[];
  /** Bounding box of the outline. */
  box: Area;
  /** Where the label goes: inside the section. */
  anchor: Point;
  /** Degrees, within (-90, 90], so text never reads upside down. */
  angle: number;
  /** Room for a label along `angle` and across it, in map units. */
  length: number;
  depth: number;
}

/** Half a seat's pitch: outlines pass around seat centres, not through them. */
const PAD = 0.5;

export function sectionShape(section: Section): SectionShape {
  if (section.kind === "ga") return areaShape(section.area);
  const rows = section.rows.filter((r) => r.x.length > 0);
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (!first || !last) return areaShape({ x: 0, y: 0, width: 1, height: 1 });
  const band = rows.length > 1 && first.x.length > 1 && last.x.length > 1 ? ribbon(first, last) : undefined;
  // Rows listed out of order, or seats numbered out of place, twist a band: the hull holds them whatever their order.
  const outline = band && holdsRowEnds(band, rows) ? band : hull(rows.flatMap(points));
  const middle = rows[Math.floor(rows.length / 2)] ?? first;
  const m = Math.floor(middle.x.length / 2);
  const anchor = { x: middle.x[m] ?? 0, y: middle.y[m] ?? 0 };
  const start = pointOf(middle, 0);
  const end = pointOf(middle, middle.x.length - 1);
  const along = Math.hypot(end.x - start.x, end.y - start.y);
  const across = Math.hypot(pointOf(last, 0).x - pointOf(first, 0).x, pointOf(last, 0).y - pointOf(first, 0).y);
  // A bent row (a corner block) has less straight room than its chord says.
  const bend = middle.x.length > 2 ? straightness(middle) : 1;
  return { outline, box: boxOf(outline), anchor, angle: readable(Math.atan2(end.y - start.y, end.x - start.x)), length: (along + 2 * PAD) * bend, depth: across + 2 * PAD };
}

/** The row of a seated section that holds a seat index (rows are in index order), by halving. */
export function rowAt(section: Section | undefined, seat: number): SeatedRow | undefined {
  if (section?.kind !== "seated") return undefined;
  let lo = 0;
  let hi = section.rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const row = section.rows[mid] as SeatedRow;
    if (seat < row.firstIndex) hi = mid - 1;
    else if (seat >= row.firstIndex + row.seats.length) lo = mid + 1;
    else return row;
  }
  return undefined;
}

/** Where a seat is drawn; undefined for general admission (no seats) or an index outside the section. */
export function seatAt(section: Section | undefined, seat: number): { x: number; y: number } | undefined {
  const row = rowAt(section, seat);
  return row ? { x: row.x[seat - row.firstIndex] ?? 0, y: row.y[seat - row.firstIndex] ?? 0 } : undefined;
}

/**
 * The seat of a seated section nearest to `p`, if one lies within
 * `maxDistance` (map units): a tap that lands between small seats (a finger
 * on a phone) still picks the one it meant.
 */
export function nearestSeat(section: Section | undefined, p: Point, maxDistance: number): number | undefined {
  if (section?.kind !== "seated") return undefined;
  let best: number | undefined;
  let bestSquared = maxDistance * maxDistance;
  for (const row of section.rows) {
    for (let s = 0; s < row.seats.length; s++) {
      const dx = (row.x[s] ?? 0) - p.x;
      const dy = (row.y[s] ?? 0) - p.y;
      const squared = dx * dx + dy * dy;
      if (squared <= bestSquared) {
        bestSquared = squared;
        best = row.firstIndex + s;
      }
    }
  }
  return best;
}

export function mapShapes(map: SeatMap): SectionShape[] {
  return map.sections.map(sectionShape);
}

/**
 * The font size (map units) that fits `text` in a shape, capped at
 * `maxSize`; 0 when even `minSize` does not fit. A glyph is taken as 0.62
 * of the size wide (a safe figure for the system sans-serif's digits and
 * capitals), with a margin of one glyph.
 */
export function labelSize(shape: Pick<SectionShape, "length" | "depth">, text: string, minSize: number, maxSize: number): number {
  const byLength = shape.length / (0.62 * (text.length + 1));
  const byDepth = shape.depth * 0.7;
  const size = Math.min(byLength, byDepth, maxSize);
  return size >= minSize ? size : 0;
}

/** Whether every row's two end seats lie inside (or on) the outline: a band that twisted does not hold them. */
function holdsRowEnds(outline: Point[], rows: SeatedRow[]): boolean {
  return rows.every((row) => [pointOf(row, 0), pointOf(row, row.x.length - 1)].every((p) => inside(p, outline) || onEdge(p, outline)));
}

/** Even-odd rule. */
export function inside(p: Point, polygon: Point[]): boolean {
  let hit = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i] as Point;
    const b = polygon[j] as Point;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) hit = !hit;
  }
  return hit;
}

function onEdge(p: Point, polygon: Point[]): boolean {
  return polygon.some((a, i) => {
    const b = polygon[(i + 1) % polygon.length] as Point;
    const length = Math.hypot(b.x - a.x, b.y - a.y);
    return Math.abs(Math.hypot(p.x - a.x, p.y - a.y) + Math.hypot(p.x - b.x, p.y - b.y) - length) < 1e-6;
  });
}

function areaShape(area: Area): SectionShape {
  const { x, y, width, height } = area;
  const outline = [
    { x, y },
    { x: x + width, y },
    { x: x + width, y: y + height },
    { x, y: y + height },
  ];
  return { outline, box: area, anchor: { x: x + width / 2, y: y + height / 2 }, angle: 0, length: width, depth: height };
}

/** The first row out and the last row back, pushed out by half a pitch at both ends. */
function ribbon(first: SeatedRow, last: SeatedRow): Point[] {
  const out = extend(points(first));
  const back = extend(points(last)).reverse();
  return [...out, ...back];
}

/** A row's points with its two ends moved half a pitch outwards along the row. */
function extend(row: Point[]): Point[] {
  const a = row[0];
  const b = row[1];
  const y = row[row.length - 2];
  const z = row[row.length - 1];
  if (!a || !b || !y || !z) return row;
  return [away(a, b), ...row.slice(1, -1), away(z, y)];
}

function away(p: Point, from: Point): Point {
  const d = Math.hypot(p.x - from.x, p.y - from.y) || 1;
  return { x: p.x + ((p.x - from.x) / d) * PAD, y: p.y + ((p.y - from.y) / d) * PAD };
}

const points = (row: SeatedRow): Point[] => row.x.map((x, k) => ({ x, y: row.y[k] ?? 0 }));
const pointOf = (row: SeatedRow, k: number): Point => ({ x: row.x[k] ?? 0, y: row.y[k] ?? 0 });

/** Chord over path length of a row: 1 for a straight row, less for a bent one. */
function straightness(row: SeatedRow): number {
  let path = 0;
  for (let k = 1; k < row.x.length; k++) path += Math.hypot((row.x[k] ?? 0) - (row.x[k - 1] ?? 0), (row.y[k] ?? 0) - (row.y[k - 1] ?? 0));
  const chord = Math.hypot((row.x[row.x.length - 1] ?? 0) - (row.x[0] ?? 0), (row.y[row.y.length - 1] ?? 0) - (row.y[0] ?? 0));
  return path > 0 ? Math.max(0.5, chord / path) : 1;
}

function readable(radians: number): number {
  let degrees = (radians * 180) / Math.PI;
  if (degrees > 90) degrees -= 180;
  if (degrees <= -90) degrees += 180;
  return Math.round(degrees * 10) / 10;
}

export function boxOf(points: Point[]): Area {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Convex hull (Andrew's monotone chain) of seat centres, padded by half a pitch. */
function hull(all: Point[]): Point[] {
  const sorted = [...all].sort((a, b) => a.x - b.x || a.y - b.y);
  if (sorted.length < 3) {
    const b = boxOf(sorted);
    return areaShape({ x: b.x - PAD, y: b.y - PAD, width: b.width + 2 * PAD, height: b.height + 2 * PAD }).outline;
  }
  const cross = (o: Point, a: Point, b: Point) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const half = (list: Point[]) => {
    const out: Point[] = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out[out.length - 2] as Point, out[out.length - 1] as Point, p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  const shape = [...half(sorted), ...half([...sorted].reverse())];
  if (shape.length < 3) {
    // All in one line (a single row): the line's box, padded, has an area to tap.
    const b = boxOf(sorted);
    return areaShape({ x: b.x - PAD, y: b.y - PAD, width: b.width + 2 * PAD, height: b.height + 2 * PAD }).outline;
  }
  const c = { x: shape.reduce((s, p) => s + p.x, 0) / shape.length, y: shape.reduce((s, p) => s + p.y, 0) / shape.length };
  return shape.map((p) => {
    const d = Math.hypot(p.x - c.x, p.y - c.y) || 1;
    return { x: p.x + ((p.x - c.x) / d) * PAD, y: p.y + ((p.y - c.y) / d) * PAD };
  });
}
