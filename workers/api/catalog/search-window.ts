/**
 * Which events a ranking window holds: the first `window` events in date
 * order (after the window's start, up to its end when given) that pass the
 * filters and match the term. One statement, whose cost is bounded by the
 * rows it may read, not by the planner's guess of how common the term is
 * (with a radius, the search counts the venues in it once beforehand).
 *
 * Left to itself, Postgres serves "first n matches in date order" by walking
 * the starts_at index until n rows match (cheap when the term is common) or
 * by a GIN lookup and a sort (cheap when it is rare), and picks by its
 * estimate of the term's share: for several words the product of their
 * shares. Two common words that never meet (`special session`), a word and
 * its own exclusion (`live -live`) or a sparse term in a wide radius were
 * estimated dense, and the walk read every upcoming event (1–3 s at
 * 1,000,000 events). So the window takes its plan in stages, each gated on
 * what the one before actually found (docs/search.md):
 *
 * 1. a sample walk: the first SAMPLE × window events in date order (no term
 *    in the index scan), then the term over them. Enough matches: done;
 * 2. when the sample's matches are under 1 %, a probe of the term's matches
 *    from the GIN index, read up to PROBE × window rows: fewer, and they are
 *    all the matches, sorted: done (a rare term, or words that never meet);
 * 3. the long walk: the same as 1 over WALK × window events;
 * 4. otherwise (under 1 % of the long walk matched) every GIN match, sorted.
 *
 * Each stage's rows are bounded except the last one's, which runs only for a
 * term under 1 % of the events walked (and, after a probe, with more than
 * PROBE × window matches in all). A walk that stops early (fewer
 * events pass the filters) saw everything, so its matches are the window; a
 * walk's first `window` matches are the first matches overall (the walk is
 * a prefix of the date order), so the window, its end and every cursor are
 * what an unbounded search would give. The GIN lookup is planned apart from
 * the rest of the query and with the tsquery out of the planner's sight, so
 * that it cannot turn back into a walk, a lookup per venue or a sequential
 * scan.
 *
 * Around a point each venue in the radius gives its own first events from the
 * (venue, starts_at) index, at most its share of the walk; the walk is
 * complete only up to the earliest last-row of a venue that hit its share,
 * and only matches up to there count.
 */
import { sql, type SQL } from "drizzle-orm";
import type { ReadDatabase } from "../../../src/shared/database";
import type { Filters } from "./search-filters";

/** Events the sample walk reads, per row of the window. */
const SAMPLE = 15;
/** Events the longer walk reads, per row of the window. */
const WALK = 100;
/** Matches the GIN probe reads, per row of the window: fewer, and they are all the term's matches. */
const PROBE = 10;

/**
 * A keyset position's time to the microsecond, as Postgres keeps it: a
 * millisecond ISO string (JavaScript's Date) would put the last row of a
 * page after its own cursor again.
 */
const instantKey = (column: SQL): SQL => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const COLUMNS = sql`e.id, e.name, e.type, e.starts_at, ${instantKey(sql`e.starts_at`)} as starts_key, e.venue_id, e.venue_name,
  v.city, v.lat, v.lng, v.timezone, e.performer_id, e.performer_name, e.min_price_cents,
  e.currency, e.fee_fixed_cents, e.fee_percent_bp, e.tax_rate_bp, (e.ticket_count - e.sold_count) as available, e.image_key`;

/** The columns of a window's rows, as the walks and the lookup name them. */
const WINDOW_COLUMNS = sql`id, name, type, starts_at, starts_key, venue_id, venue_name, city, lat, lng, timezone,
  performer_id, performer_name, min_price_cents, currency, fee_fixed_cents, fee_percent_bp, tax_rate_bp, available, image_key, search_doc`;

const and = (filters: SQL[]): SQL => sql.join(filters.length ? filters : [sql`true`], sql` and `);

/**
 * The first `count` events passing the filters and `where`, in date order.
 * Around a point, each venue in the radius gives its own first `count` from
 * the (venue, starts_at) index and those are merged: one short index walk
 * per venue, whatever the planner guesses of how many events the venues hold.
 */
export function firstInDateOrder(filters: Filters, where: SQL[], count: number): SQL {
  const conditions = and([...filters.event, ...filters.zoned, ...where]);
  if (filters.venue.length === 0) {
    return sql`
      select ${COLUMNS} from events e join venues v on v.id = e.venue_id
      where ${conditions} order by e.starts_at, e.id limit ${count}`;
  }
  return sql`
    select n.* from venues v cross join lateral (
      select ${COLUMNS} from events e
      where e.venue_id = v.id and ${conditions}
      order by e.starts_at, e.id limit ${count}
    ) n
    where ${and(filters.venue)}
    order by n.starts_at, n.id limit ${count}`;
}

/**
 * The filters with the number of venues in the radius, if there is one: each
 * venue's share of a walk is then a constant the planner costs right (a
 * share computed inside the statement is costed as 10 % of every venue's
 * events, and a wide radius then crossed the JIT threshold: 60 ms to compile
 * a plan that runs in 30).
 */
export async function countVenues(db: ReadDatabase, filters: Filters): Promise<Filters> {
  if (filters.venue.length === 0) return filters;
  const { rows } = await db.execute<{ venues: number }>(sql`select count(*)::int as venues from venues v where ${and(filters.venue)}`);
  return { ...filters, venues: Number(rows[0]?.venues ?? 0) };
}

/**
 * The first `count` events passing the filters and `where` in date order,
 * without the term, each with its place (`nth`) in its walk and the walk's
 * `cap`: a row with nth = cap ends a walk that may have stopped short of
 * events after it. Around a point, each venue walks `count` / (venues in the
 * radius) events.
 */
function walk(filters: Filters, where: SQL[], count: number): SQL {
  const conditions = and([...filters.event, ...filters.zoned, ...where]);
  const place = sql`row_number() over (order by e.starts_at, e.id)`;
  if (filters.venue.length === 0) {
    return sql`
      select ${COLUMNS}, e.search_doc, ${place} as nth, ${count}::int as cap
      from events e join venues v on v.id = e.venue_id
      where ${conditions} order by e.starts_at, e.id limit ${count}`;
  }
  const share = Math.max(1, Math.ceil(count / Math.max(1, filters.venues ?? 1)));
  return sql`
    select n.* from venues v cross join lateral (
      select ${COLUMNS}, e.search_doc, ${place} as nth, ${share}::int as cap
      from events e
      where e.venue_id = v.id and ${conditions}
      order by e.starts_at, e.id limit ${share}
    ) n
    where ${and(filters.venue)}`;
}

/**
 * The CTEs of a window's members, ending in `found` (the window's rows in
 * date order, with `search_doc`): the sample walk, the GIN probe, the long
 * walk and the full GIN lookup, each run only when the stages before fell
 * short (a branch behind a false one-time filter is never executed).
 * `query` is the term's tsquery; `where` bounds the window (start, end).
 */
export function windowMembers(filters: Filters, query: SQL, where: SQL[], window: number): SQL {
  // A walk over one index is already in date order, and read only as far as
  // its consumers go: the first `window` matches stop it early, and only a
  // window left short reads on to learn whether the walk was cut off. Around
  // a point the venues' walks are merged, so all of them are read and only
  // matches before the earliest cut count.
  const merged = filters.venue.length > 0;
  const matches = (stage: number, count: number): SQL => {
    const [walked, cut, hits] = ["walk", "cut", "hits"].map((name) => sql.raw(`${name}${stage}`));
    return sql`
    ${walked} as materialized (${walk(filters, where, count)}),
    ${cut} as materialized (
      select starts_at, id from ${walked} where nth = cap ${merged ? sql`order by starts_at, id` : sql``} limit 1
    ),
    ${hits} as materialized (
      select ${WINDOW_COLUMNS} from ${walked} w
      where w.search_doc @@ ${query}
      ${merged ? sql`and not exists (select 1 from ${cut} c where (w.starts_at, w.id) > (c.starts_at, c.id)) order by starts_at, id` : sql``}
      limit ${window}
    )`;
  };
  const sample = SAMPLE * window;
  const long = WALK * window;
  const probe = PROBE * window;
  // The term's matches, from the GIN index alone: a CTE is planned apart
  // (the planner cannot join venues first and look the term up once per
  // venue in the radius) and read only as far as its readers go (a probe of
  // `probe` rows stops there). The tsquery is an InitPlan parameter, so its
  // share is a fixed default (0.5 %): even a term the statistics call common
  // (`live -live`) takes the GIN index, not a sequential scan.
  return sql`
    ${matches(1, sample)},
    ${matches(2, long)},
    matched as materialized (
      select e.* from events e where e.search_doc @@ (select ${query}) and ${and([...filters.event, ...where])}
    ),
    stage as materialized (
      select case
        when (select count(*) from hits1) >= ${window} or not exists (select 1 from cut1) then 1
        when (select count(*) from hits1) * ${long} < ${window * sample}
         and (select count(*) from (select 1 from matched limit ${probe}) p) < ${probe} then 3
        when (select count(*) from hits2) >= ${window} or not exists (select 1 from cut2) then 2
        else 3
      end as n
    ),
    found as materialized (
      select * from hits1 where (select n from stage) = 1
      union all
      select * from hits2 where (select n from stage) = 2
      union all
      select * from (
        select ${COLUMNS}, e.search_doc from matched e join venues v on v.id = e.venue_id
        where ${and([...filters.zoned, ...filters.venue])}
        order by e.starts_at, e.id limit ${window}
      ) g where (select n from stage) = 3
    )`;
}
