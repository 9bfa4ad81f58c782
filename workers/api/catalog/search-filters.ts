/**
 * The filters of a search other than its term, split by what they read: the
 * venue alone (a radius, so a radius search can list its venues first), the
 * event alone (so a lookup by term can filter events before any join), or
 * the event in its venue's time zone (dates given as days).
 *
 * Dates given as days are read in each venue's own time zone ("events on
 * 1 June" means 1 June where the event happens). The indexed `starts_at`
 * bound is widened by 14 h (the largest UTC offset) and refined per row.
 */
import { sql, type SQL } from "drizzle-orm";
import type { SearchQuery } from "../../../src/shared/catalog";
import { badRequest } from "../problem";

const DEFAULT_RADIUS_KM = 50;
const EARTH_RADIUS_KM = 6371;

/** A query's filters other than its term: on the venue alone (`v`), on the event alone (`e`), on the event in its venue's time zone (`e`, `v.timezone`). */
export interface Filters {
  venue: SQL[];
  event: SQL[];
  zoned: SQL[];
  /** venues passing `venue` (counted once per term search with a radius, to share a walk among them) */
  venues?: number;
}

export function splitFilters(query: SearchQuery): Filters {
  const { event, zoned } = dateFilters(query);
  if (query.location) event.push(sql`lower(e.city) = lower(${query.location})`);
  if (query.type) event.push(sql`e.type in ${query.type}`);
  if (query.includeCancelled !== "true") event.push(sql`e.status = 'scheduled'`);
  return { venue: radiusFilters(query), event, zoned };
}

/** The filters of a query other than its term, over `events e join venues v`. */
export function searchFilters(query: SearchQuery): SQL[] {
  const { venue, event, zoned } = splitFilters(query);
  return [...venue, ...event, ...zoned];
}

/** Date filters: on `starts_at` alone, and (for days) in the venue's time zone. */
function dateFilters(q: SearchQuery): { event: SQL[]; zoned: SQL[] } {
  const filters: SQL[] = [];
  const zoned: SQL[] = [];
  const from = postgresTime(q.date ? "date" : "from", q.date ?? q.from);
  const to = postgresTime(q.date ? "date" : "to", q.date ?? q.to);
  if (from === undefined) {
    filters.push(sql`e.starts_at >= now()`);
  } else if (isDay(from)) {
    filters.push(sql`e.starts_at >= ${from}::date - interval '14 hours'`);
    zoned.push(sql`e.starts_at >= (${from}::date::timestamp at time zone v.timezone)`);
  } else {
    filters.push(sql`e.starts_at >= ${from}::timestamptz`);
  }
  if (to !== undefined) {
    if (isDay(to)) {
      filters.push(sql`e.starts_at < ${to}::date + interval '38 hours'`);
      zoned.push(sql`e.starts_at < ((${to}::date + 1)::timestamp at time zone v.timezone)`);
    } else {
      filters.push(sql`e.starts_at <= ${to}::timestamptz`);
    }
  }
  return { event: filters, zoned };
}

function radiusFilters(q: SearchQuery): SQL[] {
  const filters: SQL[] = [];
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

const isDay = (s: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(s);

/**
 * A date as given, or an instant rewritten in UTC, in years Postgres reads.
 * The schema's instants allow offsets up to ±23:59, Postgres only ±15:59,
 * and neither JavaScript nor the schema refuses year 0, which Postgres has
 * not: without this each was a 500.
 */
function postgresTime(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = isDay(value) ? value : new Date(value).toISOString();
  const year = Number(time.slice(0, 4));
  if (!/^\d{4}-/.test(time) || year < 1) throw badRequest(`${field}: must be in the years 1 to 9999`);
  return time;
}
