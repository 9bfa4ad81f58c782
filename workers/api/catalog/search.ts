/**
 * Event search: Postgres full text (websearch syntax, english stems and plain
 * words, weighted name > venue/city > description), filtered by type, city or
 * radius and dates, ranked, and keyset-paginated. One table (`events`, with
 * denormalized names) plus a join to venues for coordinates.
 *
 * Cost stays bounded however common the term (docs/search.md):
 *
 * - Ranking is done over a bounded window: the next WINDOW matches in date
 *   order are fetched (a bounded walk of the date index for a common term,
 *   the GIN lookup when the walk finds the term sparse: ./search-window.ts)
 *   and only those are ranked. Results come
 *   window by window: within a window by rank, then date; the windows
 *   themselves in date order. A term matching fewer than WINDOW events (most
 *   searches) is ranked as a whole.
 * - A page's cursor names its window's start and its last row's rank, so a
 *   later page ranks only its own window again, never every match. It also
 *   names the window's end (when more windows follow), so a later page ranks
 *   the same stretch of dates: an event created or cancelled between two
 *   requests changes that window's members, never which window an event
 *   already shown belongs to (a window recounted as "the next WINDOW" would
 *   push its last event into the next window, to be shown twice). A cursor
 *   without an end is in the last window, and no window follows it.
 * - Typos: only when the exact search fills less than the first page are the
 *   unknown words of a plain term corrected to their nearest catalog words
 *   (./search-words.ts) and the search run again, exact matches first.
 *
 * Filters (dates in each venue's time zone, radius) are ./search-filters.ts.
 * Which events a window holds, at a bounded cost, is ./search-window.ts.
 */
import { sql, type SQL } from "drizzle-orm";
import type { SearchQuery, SearchResponse } from "../../../src/shared/catalog";
import type { ReadDatabase } from "../../../src/shared/database";
import { allIn } from "../../../src/shared/pricing";
import { eventImageUrl } from "../../../src/shared/event-art";
import { decodeCursor, encodeCursor } from "./cursor";
import { feePolicy } from "./fees";
import { splitFilters, type Filters } from "./search-filters";
import { alternativesQuery, correctTerm } from "./search-words";
import { countVenues, firstInDateOrder, windowMembers } from "./search-window";

const DEFAULT_LIMIT = 20;
/** Matches ranked together; at most this many rank computations per query. */
export const WINDOW = 100;
/**
 * The window of a corrected (typo) search: a corrected word is often a
 * common one, and "did you mean" needs less depth than the term as typed.
 */
const CORRECTED_WINDOW = 50;

interface Cursor {
  /** rank of the last result (term searches only) */
  r?: number;
  /** starts_at of the last result, ISO */
  s: string;
  /** id of the last result */
  i: string;
  /** the (starts_at, id) after which the last result's window begins; absent for the first window */
  w?: [string, string];
  /** the (starts_at, id) that ends the last result's window (inclusive); absent when it is the last window */
  e?: [string, string];
  /** the term was corrected (typo tolerance), so later pages search the corrected term */
  f?: 1;
}

interface Row extends Record<string, unknown> {
  id: string;
  name: string;
  type: string;
  starts_at: string | Date;
  /** starts_at to the microsecond, for cursors */
  starts_key: string;
  venue_id: string;
  venue_name: string;
  city: string;
  lat: number;
  lng: number;
  timezone: string;
  performer_id: string;
  performer_name: string;
  min_price_cents: number;
  currency: string;
  fee_fixed_cents: number;
  fee_percent_bp: number;
  tax_rate_bp: number;
  available: number;
  image_key: string | null;
  rank: number | null;
}

interface WindowRow extends Partial<Row> {
  window_size: number;
  window_end_s: string | null;
  window_end_i: string | null;
}

/** A result row, the start of the window it was ranked in (undefined: the first) and that window's end (undefined: the last). */
type PageRow = Row & { window?: [string, string] | undefined; windowEnd?: [string, string] | undefined };

/** How a term matches: a tsquery to match `search_doc` against, and a rank over `e.search_doc`. */
interface TermMatch {
  query: SQL;
  rank: SQL;
  /** matches ranked together */
  window: number;
}

/** The edge-cache key of a search: the validated query in a fixed order, so equal searches share an entry. */
export function searchCacheKey(query: SearchQuery): string {
  const params = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, String(v)] as [string, string])
    .sort(([a], [b]) => a.localeCompare(b));
  return `search?${new URLSearchParams(params)}`;
}

export async function searchEvents(db: ReadDatabase, query: SearchQuery): Promise<SearchResponse> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const term = query.term?.trim() ? query.term.trim() : undefined;
  const cursor = query.cursor ? searchCursor(query.cursor, term !== undefined) : undefined;
  if (term === undefined) return toResponse(await datePage(db, splitFilters(query), cursor, limit), limit, false);
  const filters = await countVenues(db, splitFilters(query));

  const exact = exactMatch(term);
  // A cursor's "corrected" flag is the client's word: a phrase or an exclusion is never corrected, whatever it says.
  if (cursor?.f && plainTerm(term)) {
    const words = await correctTerm(db, term);
    return toResponse(await rankedPage(db, filters, words ? correctedMatch(term, words) : exact, cursor, limit), limit, true);
  }
  const rows = await rankedPage(db, filters, exact, cursor, limit);
  if (cursor || rows.length >= limit || !plainTerm(term)) return toResponse(rows, limit, false);
  const words = await correctTerm(db, term);
  if (!words) return toResponse(rows, limit, false);
  return toResponse(await rankedPage(db, filters, correctedMatch(term, words), undefined, limit), limit, true);
}

/** No term: upcoming events in date order, straight from the `starts_at` index. */
async function datePage(db: ReadDatabase, filters: Filters, cursor: Cursor | undefined, limit: number): Promise<Row[]> {
  const after = cursor ? [sql`(e.starts_at, e.id) > (${cursor.s}::timestamptz, ${cursor.i})`] : [];
  const { rows } = await db.execute<Row>(sql`select *, null::float8 as rank from (${firstInDateOrder(filters, after, limit + 1)}) page`);
  return rows;
}

/**
 * limit + 1 rows of a term search after `cursor`: the rest of the cursor's
 * window by rank, then as many following windows as the page needs. The
 * cursor's window keeps the end it had (none: it was the last window).
 */
async function rankedPage(db: ReadDatabase, filters: Filters, match: TermMatch, cursor: Cursor | undefined, limit: number): Promise<PageRow[]> {
  const page: PageRow[] = [];
  let start = cursor?.w;
  let fixedEnd = cursor?.e;
  let last = cursor !== undefined && cursor.e === undefined;
  let after = cursor;
  for (;;) {
    const rows = await rankedWindow(db, filters, match, start, fixedEnd, after, limit + 1 - page.length);
    const meta = rows[0];
    const found = rows.filter((row): row is WindowRow & Row => row.id !== null && row.id !== undefined);
    // A full window may have more after it; one that is not full is the last.
    const full = meta !== undefined && meta.window_size >= match.window && meta.window_end_s !== null && meta.window_end_i !== null;
    const end: [string, string] | undefined = fixedEnd ?? (!last && full ? [meta.window_end_s as string, meta.window_end_i as string] : undefined);
    page.push(...found.map((row) => ({ ...row, window: start, windowEnd: end })));
    if (page.length > limit || end === undefined) return page;
    start = end;
    fixedEnd = undefined;
    last = false;
    after = undefined;
  }
}

/**
 * One window (WINDOW matches in date order after `start`, up to `end` when
 * given), ranked, and the first `take` of its rows after `after`. Always one
 * row at least: the window's size and end, with the page's columns null when
 * none is left.
 */
async function rankedWindow(
  db: ReadDatabase,
  filters: Filters,
  match: TermMatch,
  start: [string, string] | undefined,
  end: [string, string] | undefined,
  after: Cursor | undefined,
  take: number,
): Promise<WindowRow[]> {
  const bounds = [
    ...(start ? [sql`(e.starts_at, e.id) > (${start[0]}::timestamptz, ${start[1]})`] : []),
    ...(end ? [sql`(e.starts_at, e.id) <= (${end[0]}::timestamptz, ${end[1]})`] : []),
  ];
  const { rows } = await db.execute<WindowRow>(sql`
    with ${windowMembers(filters, match.query, bounds, match.window)},
    ranked as (
      select e.*, (${match.rank})::float8 as rank from found e
    ),
    edge as (
      select count(*)::int as window_size,
             (select starts_key from found order by starts_at desc, id desc limit 1) as window_end_s,
             (select id from found order by starts_at desc, id desc limit 1) as window_end_i
      from found
    )
    select p.id, p.name, p.type, p.starts_at, p.starts_key, p.venue_id, p.venue_name, p.city, p.lat, p.lng, p.timezone,
           p.performer_id, p.performer_name, p.min_price_cents, p.currency, p.fee_fixed_cents, p.fee_percent_bp, p.tax_rate_bp, p.available, p.image_key, p.rank,
           edge.window_size, edge.window_end_s, edge.window_end_i
    from edge left join lateral (
      select * from ranked where ${after?.r === undefined ? sql`true` : keyset(after)}
      order by rank desc, starts_at, id
      limit ${take}
    ) p on true
    order by p.rank desc, p.starts_at, p.id`);
  return rows;
}

function exactMatch(term: string): TermMatch {
  const query = websearch(term);
  return { query, rank: sql`ts_rank_cd(e.search_doc, ${query})`, window: WINDOW };
}

/** The corrected term: any alternative of each word; events that match the term as typed rank first. */
function correctedMatch(term: string, words: string[][]): TermMatch {
  const text = alternativesQuery(words);
  const query = sql`(to_tsquery('english', ${text}) || to_tsquery('simple', ${text}))`;
  return {
    query,
    rank: sql`ts_rank_cd(e.search_doc, ${query})::float8 + case when e.search_doc @@ ${websearch(term)} then 1000 else 0 end`,
    window: CORRECTED_WINDOW,
  };
}

const websearch = (term: string): SQL => sql`(websearch_to_tsquery('english', ${term}) || websearch_to_tsquery('simple', ${term}))`;

/**
 * Typo correction knows no phrases or exclusions: a term with websearch
 * operators is matched as written. websearch_to_tsquery reads a `-` as NOT
 * wherever it starts a word, after a space or after punctuation (`(-word`,
 * `&-word`), so only a `-` inside a word (`pop-up`) leaves a term plain.
 */
const plainTerm = (term: string): boolean => !/"|(^|[^\p{L}\p{N}])-|\bor\b/iu.test(term);

function toResponse(rows: PageRow[], limit: number, corrected: boolean): SearchResponse {
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
      minPriceCents: allIn(Number(row.min_price_cents), feePolicy(row)),
      currency: row.currency,
      available: Number(row.available),
      imageUrl: eventImageUrl({ id: row.id, type: row.type, imageKey: row.image_key }),
    })),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({
            ...(last.rank === null ? {} : { r: Number(last.rank) }),
            s: last.starts_key,
            i: last.id,
            ...(last.window ? { w: last.window } : {}),
            ...(last.windowEnd ? { e: last.windowEnd } : {}),
            ...(corrected ? { f: 1 } : {}),
          })
        : null,
  };
}

function keyset(cursor: Cursor): SQL {
  const after = sql`(starts_at, id) > (${cursor.s}::timestamptz, ${cursor.i})`;
  return sql`(rank < ${cursor.r}::float8 or (rank = ${cursor.r}::float8 and ${after}))`;
}

/**
 * An instant as this module writes it (UTC ISO 8601, milli- or microseconds),
 * a real date, so Postgres reads it too: JavaScript also reads year 0, which
 * Postgres refuses (it has no year 0).
 */
const isInstant = (s: unknown): s is string =>
  typeof s === "string" &&
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(\d{3})?Z$/.test(s) &&
  !s.startsWith("0000") &&
  !Number.isNaN(Date.parse(s)) &&
  new Date(s).toISOString().slice(0, 23) === s.slice(0, 23);
/** An id Postgres can compare: text, and Postgres text cannot hold NUL. */
const isId = (s: unknown): s is string => typeof s === "string" && s.length > 0 && s.length <= 100 && !s.includes("\0");
const isPosition = (p: unknown): p is [string, string] => Array.isArray(p) && p.length === 2 && isInstant(p[0]) && isId(p[1]);

function searchCursor(raw: string, ranked: boolean): Cursor {
  return decodeCursor(
    raw,
    ({ r, s, i, w, e, f }) => {
      const validRank = ranked ? typeof r === "number" && Number.isFinite(r) : r === undefined;
      const validWindow = (w === undefined || (ranked && isPosition(w))) && (e === undefined || (ranked && isPosition(e)));
      const validCorrected = f === undefined || (ranked && f === 1);
      if (!validRank || !validWindow || !validCorrected || !isInstant(s) || !isId(i)) return undefined;
      return {
        ...(ranked ? { r: r as number } : {}),
        s,
        i,
        ...(w === undefined ? {} : { w: w as [string, string] }),
        ...(e === undefined ? {} : { e: e as [string, string] }),
        ...(f === 1 ? { f: 1 as const } : {}),
      };
    },
    "this search",
  );
}
