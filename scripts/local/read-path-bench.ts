/**
 * `npx tsx scripts/local/read-path-bench.ts`: the two read paths of the Neon
 * driver through the local proxy, measured in one run on one database
 * (docs/database-reads.md):
 *
 * - before: what every request did, a WebSocket `Pool` per request
 *   (WebSocket upgrade, start-up, SCRAM authentication computed in JS, the
 *   query, Terminate);
 * - after: `neon()` over HTTP, one `POST /sql` per statement, answered from
 *   the proxy's persistent connections.
 *
 * Each path runs the same statements (an event search as the API ran it,
 * and `select 1` for the bare cost of the path) with `--concurrency`
 * clients for `--seconds`, the paths taking turns second by second. Uses BENCH_DATABASE_URL (default: a local
 * PostgreSQL at 127.0.0.1:5432, database `readpath_bench`, seeded with the
 * demo catalog on first use), or the embedded database with `--embedded`.
 */
import { parseArgs } from "node:util";
import ws from "ws";
import { createHttpClient, createPool } from "../../src/shared/neon";
import { seed } from "../seed";
import { applyMigrations, openDatabase, type LocalDatabase } from "./database";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    concurrency: { type: "string", default: "1,8" },
    embedded: { type: "boolean", default: false },
  },
});
const SECONDS = Number(values.seconds);
const CONCURRENCY = (values.concurrency ?? "1").split(",").map(Number);

/** A term search as the API ran it before issue #12 (full text or trigram, ranked, one page). */
const SEARCH = `
  select e.id, e.name, e.type, e.starts_at, e.venue_id, e.venue_name, v.city, v.lat, v.lng, v.timezone,
         e.performer_id, e.performer_name, e.min_price_cents, (e.ticket_count - e.sold_count) as available,
         (ts_rank_cd(e.search_doc, q.query) + word_similarity($1, e.search_text))::float8 as rank
  from events e join venues v on v.id = e.venue_id,
       (select websearch_to_tsquery('english', $1) || websearch_to_tsquery('simple', $1) as query) q
  where e.starts_at >= now() and e.status = 'scheduled' and (e.search_doc @@ q.query or $1 <% e.search_text)
  order by rank desc, e.starts_at, e.id
  limit 21`;
const TERMS = ["rock", "jazz", "london", "opera", "festival", "berlin", "comedy", "symphony", "paris", "hamlet"];

type Run = (text: string, params: unknown[]) => Promise<unknown>;

interface Figures {
  queries: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/**
 * Runs every path for `SECONDS` in alternating one-second slices, so that
 * whatever else the machine does weighs on each path alike.
 */
async function measure(runs: Run[], text: string, params: (i: number) => unknown[], concurrency: number): Promise<Figures[]> {
  // Warm up: the proxy's connections, the server's caches, the JIT.
  for (const run of runs) for (let i = 0; i < 20; i++) await run(text, params(i));
  const latencies: number[][] = runs.map(() => []);
  const busy = runs.map(() => 0);
  let n = 0;
  for (let slice = 0; slice < SECONDS; slice++) {
    for (const [k, run] of runs.entries()) {
      const deadline = performance.now() + 1000;
      const client = async () => {
        while (performance.now() < deadline) {
          const started = performance.now();
          await run(text, params(n++));
          latencies[k]?.push(performance.now() - started);
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: concurrency }, client));
      busy[k] = (busy[k] ?? 0) + (performance.now() - started) / 1000;
    }
  }
  return latencies.map((list, k) => {
    list.sort((a, b) => a - b);
    const at = (q: number) => list[Math.min(list.length - 1, Math.floor(q * list.length))] ?? NaN;
    return { queries: list.length, perSecond: list.length / (busy[k] ?? 1), p50: at(0.5), p99: at(0.99) };
  });
}

function paths(database: LocalDatabase): Record<string, Run> {
  const options = { localProxy: database.proxy, webSocketConstructor: ws as never };
  const http = createHttpClient(database.url, options);
  return {
    // As openSession() did per request: a pool opened, one query, the pool ended.
    "WebSocket Pool per request": async (text, params) => {
      const pool = createPool(database.url, options);
      try {
        await pool.query(text, params);
      } finally {
        await pool.end();
      }
    },
    "HTTP neon() per statement": (text, params) => http.query(text, params),
  };
}

const url = values.embedded ? undefined : (process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/readpath_bench");
const database = await openDatabase({ url });
try {
  await applyMigrations(database);
  await seed(database);
  console.log(`database: ${database.embedded ? "embedded PGlite" : "PostgreSQL"} behind the proxy at ${database.proxy}; ${SECONDS} s per figure`);
  const statements: [string, string, (i: number) => unknown[]][] = [
    ["search", SEARCH, (i) => [TERMS[i % TERMS.length]]],
    ["select 1", "select 1", () => []],
  ];
  const rows: string[] = ["| statement | path | clients | queries/s | p50 ms | p99 ms |", "|---|---|---:|---:|---:|---:|"];
  for (const [name, text, params] of statements) {
    for (const concurrency of CONCURRENCY) {
      const named = Object.entries(paths(database));
      const figures = await measure(
        named.map(([, run]) => run),
        text,
        params,
        concurrency,
      );
      for (const [k, [path]] of named.entries()) {
        const f = figures[k];
        if (!f) continue;
        rows.push(`| ${name} | ${path} | ${concurrency} | ${f.perSecond.toFixed(0)} | ${f.p50.toFixed(1)} | ${f.p99.toFixed(1)} |`);
        console.log(rows.at(-1));
      }
    }
  }
  console.log(`\n${rows.join("\n")}`);
} finally {
  await database.stop();
}
