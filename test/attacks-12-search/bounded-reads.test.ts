/**
 * One search reads a bounded number of rows, whatever the planner believes
 * of its term (formerly the open finding of the hostile review of issue #12,
 * docs/search.md). A window is "the next WINDOW matches in date order"; left
 * to itself the planner served it by walking the starts_at index until
 * WINDOW rows matched, or by a GIN lookup and a sort, and picked by its
 * estimate of the term's share: for several words the product of each
 * word's share. Words that are each common but never together (`special
 * session`: each ~14–20 % of the bulk catalog, no event has both) were
 * estimated dense and walked every upcoming event to find nothing (1.5 s at
 * 1,000,000 events), and so did a radius search of an uncommon term (the
 * per-venue walk read every event of every venue in the radius).
 *
 * The test makes two words common and disjoint in the test catalog, refreshes
 * the planner's statistics (VACUUM also merges the GIN index's pending list,
 * as autovacuum does after a bulk load: until then any GIN lookup on a table
 * this small costs more than reading it), and counts the table rows the
 * search's statements read (EXPLAIN ANALYZE: rows returned and removed by
 * filters at each scan of a table; a scan of a CTE re-reads rows a table scan
 * already counted), which must stay a small multiple of a window.
 */
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { beforeAll, describe, expect, it } from "vitest";
import { SearchQuery } from "../../src/shared/catalog";
import type { ReadDatabase } from "../../src/shared/database";
import { searchEvents, WINDOW } from "../../workers/api/catalog/search";
import { query } from "../booking-helpers";
import { makeEvent, organizerToken, word } from "../helpers";

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  Plans?: PlanNode[];
}

const rowsRead = (node: PlanNode): number =>
  (node["Relation Name"] !== undefined ? ((node["Actual Rows"] ?? 0) + (node["Rows Removed by Filter"] ?? 0)) * (node["Actual Loops"] ?? 1) : 0) +
  (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child), 0);

/** A database that runs each statement and also counts the table rows its plan read. */
function countingDatabase(read: number[]): ReadDatabase {
  const dialect = new PgDialect();
  return {
    execute: async (statement: SQL) => {
      const { sql: text, params } = dialect.sqlToQuery(statement);
      const [plan] = await query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(`explain (analyze, format json) ${text}`, params);
      read.push(rowsRead(plan?.["QUERY PLAN"][0]?.Plan ?? { "Node Type": "none" }));
      return { rows: await query(text, params) };
    },
  } as unknown as ReadDatabase;
}

/**
 * The design's bound: a sample walk of 15 windows and a GIN probe of up to
 * 10 (search-window.ts), with some slack for a bitmap scan's rechecks; the
 * catalog here has 20,001 events, which the walk used to read in full.
 */
const BOUND = 30 * WINDOW;

describe("one search reads a bounded number of rows", () => {
  const [a, b] = [word(), word()];
  let venue = { lat: 0, lng: 0 };

  beforeAll(async () => {
    const token = await organizerToken();
    const { id } = await makeEvent(token, { name: `${a} 0`, startsAt: "2040-01-01T00:00:00Z" });
    await query(
      `insert into events (id, org_id, name, type, starts_at, venue_id, performer_id, ticket_count, min_price_cents, max_price_cents,
                           performer_name, venue_name, city, search_text)
       select 'ev_' || md5(t.id || n), t.org_id, case when n % 2 = 0 then $2 else $3 end || ' ' || n, t.type,
              t.starts_at + n * interval '1 minute', t.venue_id, t.performer_id, t.ticket_count, t.min_price_cents, t.max_price_cents,
              t.performer_name, t.venue_name, t.city, t.search_text
       from events t, generate_series(1, 20000) n where t.id = $1`,
      [id, a, b],
    );
    await query("vacuum analyze events");
    const [row] = await query<{ lat: number; lng: number }>("select v.lat, v.lng from events e join venues v on v.id = e.venue_id where e.id = $1", [id]);
    venue = { lat: Number(row?.lat), lng: Number(row?.lng) };
  }, 60_000);

  it("two common words that never meet do not walk the whole catalog", async () => {
    const read: number[] = [];
    const page = await searchEvents(countingDatabase(read), SearchQuery.parse({ term: `${a} ${b}` }));
    expect(page.results).toEqual([]);
    expect(Math.max(...read)).toBeLessThan(BOUND);
  }, 60_000);

  it("around a point, the venues' walks share the bound", async () => {
    const read: number[] = [];
    const page = await searchEvents(countingDatabase(read), SearchQuery.parse({ term: `${a} ${b}`, lat: venue.lat, lng: venue.lng, radiusKm: 2000 }));
    expect(page.results).toEqual([]);
    expect(Math.max(...read)).toBeLessThan(BOUND);
  }, 60_000);

  it("finds a term's matches beyond the walks, in date order", async () => {
    // `a` alone matches every other event: the walks fill the window at once.
    const dense = await searchEvents(countingDatabase([]), SearchQuery.parse({ term: a, limit: 5 }));
    expect(dense.results).toHaveLength(5);
    // The last event only: sparse, so found by the GIN lookup after the walks came up short.
    const last = await searchEvents(countingDatabase([]), SearchQuery.parse({ term: `${b} 19999` }));
    expect(last.results.map((r) => r.name)).toEqual([`${b} 19999`]);
  }, 60_000);
});
