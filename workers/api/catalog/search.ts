/**
 * Event search: Postgres full text (websearch syntax, english stems and plain
 * words, weighted name > venue/city > description) OR trigram word
 * similarity (typos; plain terms only), filtered by type, city or radius and
 * dates, ranked, and keyset-paginated. One table (`events`, with denormalized names) plus a join
 * to venues for coordinates.
 *
 * Dates given as days are read in each venue's own time zone ("events on
 * 1 June" means 1 June where the event happens). The indexed `starts_at`
 * bound is widened by 14 h (the largest UTC offset) and refined per row.
 */
import { sql, type SQL } from "drizzle-orm";
import type { SearchQuery, SearchResponse } from "../../../src/shared/catalog";
import type { Database } from "../env";
import { badRequest } from "../problem";
import { decodeCursor, encodeCursor } from "./cursor";

const DEFAULT_LIMIT = 20;
const DEFAULT_RADIUS_KM = 50;
const EARTH_RADIUS_KM = 6371;

interface Cursor {
  /** rank of the last result (term searches only) */
  r?: number;
  /** starts_at of the last result, ISO */
  s: string;
  /** id of the last result */
  i: string;
}

interface Row extends Record<string, unknown> {
  id: string;
  name: string;
  type: string;
  starts_at: string | Date;
  venue_id: string;
  venue_name: string;
  city: string;
  lat: number;
  lng: number;
  timezone: string;
  performer_id: string;
  performer_name: string;
  min_price_cents: number;
  available: number;
  rank: number | null;
}

/** The edge-cache key of a search: the validated query in a fixed order, so equal searches share an entry. */
export function searchCacheKey(query: SearchQuery): string {
  const params = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, String(v)] as [string, string])
    .sort(([a], [b]) => a.localeCompare(b));
  return `search?${new URLSearchParams(params)}`;
}

export async function searchEvents(db: Database, query: SearchQuery): Promise<SearchResponse> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const term = query.term?.trim() ? query.term.trim() : undefined;
  const cursor = query.cursor ? searchCursor(query.cursor, term !== undefined) : undefined;
  const filters = [...dateFilters(query), ...placeFilters(query)];
  if (query.type) filters.push(sql`e.type in ${query.type}`);
  if (query.includeCancelled !== "true") filters.push(sql`e.status = 'scheduled'`);

  const tsquery = sql`(websearch_to_tsquery('english', ${term ?? ""}) || websearch_to_tsquery('simple', ${term ?? ""}))`;
  if (term) {
    // Trigram matching forgives typos but knows no phrases or exclusions, so
    // a term that uses websearch operators is matched by full text alone.
    const fuzzy = !/"|(^|\s)-|\bor\b/i.test(term);
    filters.push(fuzzy ? sql`(e.search_doc @@ ${tsquery} or ${term} <% e.search_text)` : sql`e.search_doc @@ ${tsquery}`);
  }
  const rank = term
    ? sql`(ts_rank_cd(e.search_doc, ${tsquery}) + word_similarity(${term}, e.search_text))::float8`
    : sql`null::float8`;

  const inner = sql`
    select e.id, e.name, e.type, e.starts_at, e.venue_id, e.venue_name, v.city, v.lat, v.lng, v.timezone,
           e.performer_id, e.performer_name, e.min_price_cents,
           (e.ticket_count - e.sold_count) as available, ${rank} as rank
    from events e join venues v on v.id = e.venue_id
    where ${sql.join(filters.length ? filters : [sql`true`], sql` and `)}`;

  const after = cursor ? keyset(cursor, term !== undefined) : sql`true`;
  const order = term ? sql`rank desc, starts_at, id` : sql`starts_at, id`;
  const result = await db.execute<Row>(
    sql`select * from (${inner}) found where ${after} order by ${order} limit ${limit + 1}`,
  );
  const rows = result.rows;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    results: page.map((row) => ({
      id: row.id,
      name: row.name,
      type: row.type as SearchResponse["results"][number]["type"],
      startsAt: new Date(row.starts_at).toISOString(),
      venue: { id: row.venue_id, name: row.venue_name, city: row.city, lat: Number(row.lat), lng: Number(row.lng), timezone: row.timezone },
      performer: { id: row.performer_id, name: row.performer_name },
      minPriceCents: Number(row.min_price_cents),
      available: Number(row.available),
    })),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({
            ...(term ? { r: Number(last.rank) } : {}),
            s: new Date(last.starts_at).toISOString(),
            i: last.id,
          })
        : null,
  };
}

function dateFilters(q: SearchQuery): SQL[] {
  const filters: SQL[] = [];
  const from = q.date ?? q.from;
  const to = q.date ?? q.to;
  if (from === undefined) {
    filters.push(sql`e.starts_at >= now()`);
  } else if (isDay(from)) {
    filters.push(sql`e.starts_at >= ${from}::date - interval '14 hours'`);
    filters.push(sql`e.starts_at >= (${from}::date::timestamp at time zone v.timezone)`);
  } else {
    filters.push(sql`e.starts_at >= ${from}::timestamptz`);
  }
  if (to !== undefined) {
    if (isDay(to)) {
      filters.push(sql`e.starts_at < ${to}::date + interval '38 hours'`);
      filters.push(sql`e.starts_at < ((${to}::date + 1)::timestamp at time zone v.timezone)`);
    } else {
      filters.push(sql`e.starts_at <= ${to}::timestamptz`);
    }
  }
  return filters;
}

function placeFilters(q: SearchQuery): SQL[] {
  const filters: SQL[] = [];
  if (q.location) filters.push(sql`lower(e.city) = lower(${q.location})`);
  if (q.lat !== undefined && q.lng !== undefined) {
    const radius = q.radiusKm ?? DEFAULT_RADIUS_KM;
    const dLat = radius / 111.2;
    filters.push(sql`v.lat between ${q.lat - dLat} and ${q.lat + dLat}`);
    const cosLat = Math.cos((q.lat * Math.PI) / 180);
    const dLng = cosLat > 0.01 ? radius / (111.2 * cosLat) : 360;
    // Skip the longitude box where it would wrap around the antimeridian.
    if (q.lng - dLng > -180 && q.lng + dLng < 180) {
      filters.push(sql`v.lng between ${q.lng - dLng} and ${q.lng + dLng}`);
    }
    filters.push(sql`${haversineKm(q.lat, q.lng)} <= ${radius}`);
  }
  return filters;
}

function haversineKm(lat: number, lng: number): SQL {
  return sql`(2 * ${EARTH_RADIUS_KM} * asin(sqrt(
      power(sin(radians(v.lat - ${lat}) / 2), 2) +
      cos(radians(${lat})) * cos(radians(v.lat)) * power(sin(radians(v.lng - ${lng}) / 2), 2))))`;
}

function keyset(cursor: Cursor, ranked: boolean): SQL {
  const after = sql`(starts_at, id) > (${cursor.s}::timestamptz, ${cursor.i})`;
  if (!ranked || cursor.r === undefined) return after;
  return sql`(rank < ${cursor.r}::float8 or (rank = ${cursor.r}::float8 and ${after}))`;
}

const isDay = (s: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(s);

function searchCursor(raw: string, ranked: boolean): Cursor {
  return decodeCursor(
    raw,
    ({ r, s, i }) => {
      const validRank = ranked ? typeof r === "number" && Number.isFinite(r) : r === undefined;
      if (!validRank || typeof s !== "string" || Number.isNaN(Date.parse(s)) || typeof i !== "string") return undefined;
      return { ...(ranked ? { r: r as number } : {}), s, i };
    },
    "this search",
  );
}
