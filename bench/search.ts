/**
 * Search at scale (issue #12): ten realistic query shapes run through the
 * Worker's own SQL path (`searchEvents` over Drizzle) against a database,
 * timed per shape (p50/p95/p99), next to the same queries written as
 * `ILIKE '%term%'` scans; and typo recall over generated one-letter typos.
 *
 * `npx tsx bench/search.ts` (or `npm run bench:search`) runs both against
 * DATABASE_URL (a catalog from `npm run seed -- --events 1000000`) and prints
 * JSON. BENCH_SAMPLES sets the samples per shape (default 50).
 *
 * The shapes' dates are relative to today, as the bulk catalog's are.
 */
import path from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { drizzle as drizzleNeon } from "drizzle-orm/neon-serverless";
import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import pg from "pg";
import { SearchQuery } from "../src/shared/catalog";
import type { ReadDatabase } from "../src/shared/database";
import { searchEvents } from "../workers/api/catalog/search";
import { searchFilters } from "../workers/api/catalog/search-filters";
import { termWords } from "../workers/api/catalog/search-words";
import type { LocalDatabase } from "../scripts/local/database";
import { typoCases } from "../scripts/seed/typos";
import { createPool } from "../src/shared/neon";

/** The implementation measured; SEARCH_MODULE=<file> measures another one (an older search.ts, say). */
let search: typeof searchEvents = searchEvents;

export interface SearchShape {
  name: string;
  /** URL parameters of `/api/search`, as a fan's browser sends them. */
  query: Record<string, string>;
  /** Time this page, reached by following cursors (1 when absent). */
  page?: number;
}

const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const LONDON = { lat: "51.5074", lng: "-0.1278", radiusKm: "50" };

/**
 * Each shape's `String()` is its query string, so a load generator can send
 * `/api/search?${shape}` to the Worker directly.
 */
const shapes: SearchShape[] = [
  { name: "term rare", query: { term: "pygmalion" } },
  { name: "term common", query: { term: "live" } },
  { name: "typo", query: { term: "auora" } },
  { name: "term + city", query: { term: "night", location: "London" } },
  { name: "radius + date", query: { ...LONDON, from: day(30), to: day(37) } },
  { name: "type + date range", query: { type: "comedy", from: day(60), to: day(90) } },
  { name: "term + type", query: { term: "session", type: "concert" } },
  { name: "radius + term", query: { ...LONDON, term: "live" } },
  { name: "deep page", query: { term: "night" }, page: 10 },
  { name: "browse by date", query: { from: day(14) } },
];
export const SEARCH_SHAPES: SearchShape[] = shapes.map((shape) =>
  Object.defineProperty(shape, "toString", { value: () => new URLSearchParams(shape.query).toString() }),
);

interface Figures {
  p50: number;
  p95: number;
  p99: number;
  samples: number;
}

export interface ShapeResult {
  name: string;
  query: Record<string, string>;
  results: number;
  search: Figures;
  /** The same ranked query written with ILIKE; undefined for shapes without a term (the query is the same). */
  ilike?: Figures & { results: number };
  /** ILIKE in date order (no relevance), its best case. */
  ilikeDateOrder?: Figures;
  /** ilike p50 / search p50 */
  ratio?: number;
}

/**
 * A connection string, or bench/run.ts's context: its `pgUrl` (a real
 * server), else its `database` (the embedded one, through the Neon driver
 * and the local proxy, as the Worker reaches it).
 */
type Target = string | { pgUrl?: string | undefined; database?: LocalDatabase };

/** The queries the benchmark sends besides searchEvents (ILIKE scans, word lists). */
interface Queryable {
  query<R extends pg.QueryResultRow>(query: { text: string; values: unknown[] } | string): Promise<{ rows: R[] }>;
}

async function withDatabase<T>(target: Target, work: (db: ReadDatabase, pool: Queryable) => Promise<T>): Promise<T> {
  const url = typeof target === "string" ? target : target.pgUrl;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      return await work(drizzle(pool) as unknown as ReadDatabase, pool as Queryable);
    } finally {
      await pool.end();
    }
  }
  const local = typeof target === "string" ? undefined : target.database;
  if (!local) throw new Error("bench/search.ts needs a connection string or a database");
  const pool = createPool(local.url, local.neon);
  try {
    return await work(drizzleNeon(pool) as unknown as ReadDatabase, pool as unknown as Queryable);
  } finally {
    await pool.end();
  }
}

export async function benchSearchAtDatabase(target: Target, opts: { samples?: number; scanSamples?: number } = {}): Promise<ShapeResult[]> {
  const samples = opts.samples ?? 50;
  const scanSamples = opts.scanSamples ?? Math.min(samples, 5);
  return withDatabase(target, async (db, pool) => {
    const out: ShapeResult[] = [];
    for (const shape of SEARCH_SHAPES) {
      const query = await reachPage(db, shape);
      let results = 0;
      const figures = await timed(samples, async () => {
        results = (await search(db, query)).results.length;
      });
      const result: ShapeResult = { name: shape.name, query: shape.query, results, search: figures };
      if (query.term) {
        let found = 0;
        const ilike = await timed(scanSamples, async () => {
          found = (await pool.query(ilikeQuery(query, (shape.page ?? 1) - 1, true))).rows.length;
        });
        const dateOrdered = await timed(scanSamples, async () => {
          await pool.query(ilikeQuery(query, (shape.page ?? 1) - 1, false));
        });
        result.ilike = { ...ilike, results: found };
        result.ilikeDateOrder = dateOrdered;
        result.ratio = Math.round((ilike.p50 / figures.p50) * 10) / 10;
      }
      out.push(result);
      progress(`${shape.name}: p50 ${figures.p50} ms, p95 ${figures.p95} ms${result.ilike ? `, ILIKE p50 ${result.ilike.p50} ms (${result.ratio}x), date-ordered ${result.ilikeDateOrder?.p50} ms` : ""}`);
    }
    return out;
  });
}

/** The validated query of a shape's page: earlier pages are followed (untimed) for their cursor. */
async function reachPage(db: ReadDatabase, shape: SearchShape): Promise<SearchQuery> {
  let query = SearchQuery.parse(shape.query);
  for (let page = 1; page < (shape.page ?? 1); page++) {
    const { nextCursor } = await search(db, query);
    if (!nextCursor) throw new Error(`${shape.name}: no page ${page + 1}`);
    query = SearchQuery.parse({ ...shape.query, cursor: nextCursor });
  }
  return query;
}

/**
 * The naive equivalent: every word of the term as `ILIKE '%word%'` over the
 * searchable text, the same filters, a deep page by OFFSET. `ranked` orders
 * as a relevance search must (matches in the event or performer name first,
 * then by date), which needs every match; otherwise date order, ILIKE's best
 * case: a common word is found within the first rows of the date index.
 */
function ilikeQuery(query: SearchQuery, pagesBefore: number, ranked: boolean): { text: string; values: unknown[] } {
  const words = termWords(query.term ?? "");
  const text = sql`(e.name || ' ' || e.performer_name || ' ' || e.venue_name || ' ' || e.city || ' ' || coalesce(e.description, ''))`;
  const where = [...searchFilters(query), ...words.map((w) => sql`${text} ilike ${`%${w}%`}`)];
  const inName = sql.join(words.map((w) => sql`(e.name || ' ' || e.performer_name) ilike ${`%${w}%`}`), sql` and `);
  const limit = query.limit ?? 20;
  const statement = sql`
    select e.id, e.name, e.starts_at, v.city from events e join venues v on v.id = e.venue_id
    where ${sql.join(where, sql` and `)}
    order by ${ranked ? sql`(${inName}) desc, ` : sql``}e.starts_at, e.id limit ${limit + 1} offset ${pagesBefore * limit}`;
  const dialectQuery = new PgDialect().sqlToQuery(statement);
  return { text: dialectQuery.sql, values: dialectQuery.params };
}

async function timed(samples: number, run: () => Promise<void>): Promise<Figures> {
  await run(); // warm the cache and the plan
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round((times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] ?? 0) * 100) / 100;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), samples };
}

export interface RecallResult {
  cases: number;
  found: number;
  recall: number;
  misses: { word: string; typo: string }[];
}

/**
 * One-letter typos (missing, extra, swapped or wrong letter) of words of five
 * letters or more from the catalog's performer, venue and city names; a case
 * is found when the first page holds an event whose names carry the word.
 */
export async function typoRecall(target: Target, opts: { cases?: number; seed?: number } = {}): Promise<RecallResult> {
  return withDatabase(target, async (db, pool) => {
    const { rows } = await pool.query<{ word: string }>(`
      select distinct w as word
      from (select distinct performer_name, venue_name, city from events where status = 'scheduled' and starts_at > now()) e,
           unnest(tsvector_to_array(to_tsvector('simple', performer_name || ' ' || venue_name || ' ' || city))) w
      where length(w) >= 5 and w ~ '^[[:alpha:]]+$'
      order by 1`);
    const cases = typoCases(rows.map((r) => r.word), opts.cases ?? 200, opts.seed ?? 12);
    const misses: RecallResult["misses"] = [];
    for (const { word, typo } of cases) {
      const { results } = await search(db, SearchQuery.parse({ term: typo }));
      const carries = (name: string) => termWords(name).includes(word);
      if (!results.some((r) => carries(r.performer.name) || carries(r.venue.name) || carries(r.venue.city))) misses.push({ word, typo });
    }
    const found = cases.length - misses.length;
    return { cases: cases.length, found, recall: Math.round((found / cases.length) * 1000) / 1000, misses };
  });
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("set DATABASE_URL to a seeded catalog (npm run seed -- --events 1000000)");
    process.exit(2);
  }
  const samples = Number(process.env.BENCH_SAMPLES ?? 50);
  if (process.env.SEARCH_MODULE) search = ((await import(path.resolve(process.env.SEARCH_MODULE))) as { searchEvents: typeof searchEvents }).searchEvents;
  const { rows } = await withDatabase(url, (_db, pool) => pool.query<{ n: number; version: string }>("select count(*)::int as n, version() from events"));
  const atDatabase = await benchSearchAtDatabase(url, { samples });
  const recall = await typoRecall(url);
  console.log(JSON.stringify({ catalog: rows[0], atDatabase, typoRecall: recall }, null, 2));
}
