/**
 * `npm run bench` (`-- --quick` for a run under 3 minutes): the hot paths
 * measured on raw workerd running the built bundle (`workerd/`), against
 * the classic design over the same Postgres (`classic/`), with autocannon.
 * Progress goes to stderr; the figures to bench/results/latest.json and
 * stdout. Sections (numbers as in issue #12):
 *
 * 1. limits: workerd's floor, a trivial app route, a Worker → SeatRoom round trip;
 * 2. the 90,000-seat stadium's seat map (5% held, scattered) vs the classic query;
 * 3. the mix: 100 views per hold, sustained, both designs, doubles counted;
 * 4. hold storms: one event at 50 and 200 fans, 4 events × 50 fans;
 * 5. the race: 10,000 attempts, 1,000 fans, 1,000 seats (ours, classic, classic + Redis);
 * 6./7. search and fan-out, when bench/search.ts and bench/fanout.ts exist;
 * 8. the waiting room; 9. booking end to end.
 *
 * BENCH_SECTIONS=1,2,5 runs only those (section 1 always runs: the others are
 * given as ratios to it), into results/partial.json. The abuse limits are lifted for the
 * run (many fans from one address): said in the results.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ticketId } from "../src/shared/ids";
import { clearClassicRedis, copyEventToClassic, createClassicTables, startClassic, type ClassicServer } from "./classic";
import { openCatalog, type BenchEvent } from "./catalog";
import { prng } from "../src/shared/prng";
import { openBenchDatabase, type BenchDatabase } from "./database";
import pg from "pg";
import { call, fanTokens, percentile, progress, ratio } from "./load";
import { removeRunDir } from "./scratch";
import { race, scatterHolds, storm, stormSummary } from "./sections/holds";
import { bookingThroughput, waitingRoom } from "./sections/flows";
import { limits, mix, seatMap, snapshotOf, statusCounts } from "./sections/reads";
import { startWorkerd, type RunningWorkerd } from "./workerd";

const QUICK = process.argv.includes("--quick");
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 3 : 12));
const CONNECTIONS = 32;
const only = new Set((process.env.BENCH_SECTIONS ?? "").split(",").filter(Boolean));
const wanted = (n: number) => only.size === 0 || only.has(String(n));

/** The abuse limits, lifted: the benchmark is many fans from one address. */
const LIFTED = { RATE_LIMITS: "off", STREAMS_PER_ADDRESS: "1000000" };
const VARS = { ...LIFTED, CACHE_TTL_SECONDS: "30" };

const started = Date.now();
const results: Record<string, unknown> = {};
let database: BenchDatabase | undefined;
let worker: RunningWorkerd | undefined;
let classic: ClassicServer | undefined;

const cleanUp = async () => {
  await worker?.stop().catch(() => {});
  await classic?.stop().catch(() => {});
  await database?.stop().catch(() => {});
  removeRunDir();
};

try {
  progress(`${QUICK ? "quick" : "full"} run, ${SECONDS} s per load`);
  database = await openBenchDatabase();
  progress(`database: ${database.kind} (${database.version.split(" ").slice(0, 2).join(" ")})`);
  worker = await startWorkerd({ vars: VARS, database: database.local });
  progress(`workerd ${worker.version}, pid ${worker.pid}, at ${worker.url}`);
  const devToken = await call(`${worker.url}/api/dev/token`, "POST", { userId: "bench-check" });
  if (devToken.status !== 200) throw new Error(`/api/dev/token is off (${devToken.status}): the benchmark needs DEV_AUTH=1`);
  if (database.pgUrl) await createClassicTables(database.pgUrl);
  classic = database.pgUrl ? await startClassic({ pgUrl: database.pgUrl, embedded: database.kind !== "postgres" }) : undefined;
  await clearClassicRedis();
  const catalog = openCatalog(database.local);

  results.machine = {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
    workerd: worker.version,
    postgres: { kind: database.kind, version: database.version },
    redis: classic?.redis ? "127.0.0.1:6379" : "none (Redis variant skipped)",
  };
  results.run = {
    mode: QUICK ? "quick" : "full",
    secondsPerLoad: SECONDS,
    connections: CONNECTIONS,
    loadGenerator: "autocannon 8, programmatic, in this Node process (it shares the 2 cores with workerd, Postgres and the classic server)",
    systemUnderTest: "the built bundle (wrangler deploy --dry-run) on raw workerd (workerd serve, generated config), no wrangler dev proxy",
    limits: `rate limits lifted for the run: ${Object.entries(VARS).map(([k, v]) => `${k}=${v}`).join(", ")}`,
    durableObjectStorage: `SQLite files on local disk below ${os.tmpdir()} (TMPDIR; /dev/shm is tmpfs: no fsync per write)`,
    standIns: worker.standIns,
    unsupportedBindings: worker.unsupported,
    classic: classic
      ? { workers: classic.workers, poolSize: classic.poolSize, why: "node:cluster with 2 workers: uses both cores, which one workerd process cannot; pool of 16 connections shared" }
      : "not run: the classic server needs a Postgres it can reach with pg",
    fanTokens: "signed by the harness with the Worker's JWT_SECRET and the claims /api/dev/token gives (the route is checked on)",
  };

  // ---- 1. Limits ----
  progress("section 1: limits");
  const floor = await limits(worker, { seconds: SECONDS, connections: CONNECTIONS });
  results.limits = floor;

  // ---- 2. The stadium's seat map, 5% held in scattered places ----
  let stadium: BenchEvent | undefined;
  if (wanted(2) || wanted(3)) {
    progress("section 2: the stadium's seat map");
    let t = Date.now();
    stadium = await catalog.createEvent({ venue: "stadium", perUserLimit: 100 });
    progress(`  stadium event ${stadium.id}: ${stadium.ticketCount} tickets (${Date.now() - t} ms to create)`);
    // 5% of the seats, in holds of 4 adjacent seats at random places (seeded: the same places every run).
    const random = prng(12); // the same holds every run
    const taken = new Set<number>();
    const blocks: number[][] = [];
    while (blocks.length * 4 < stadium.ticketCount * 0.05) {
      const first = Math.floor(random() * (stadium.ticketCount - 4));
      const block = [first, first + 1, first + 2, first + 3];
      if (block.some((s) => taken.has(s))) continue;
      for (const s of block) taken.add(s);
      blocks.push(block);
    }
    t = Date.now();
    const held = await scatterHolds(worker.url, stadium.id, blocks.flat(), 4, await fanTokens("scatter", blocks.length));
    progress(`  ${held} seats held in ${blocks.length} holds of 4 adjacent seats at random places (${Date.now() - t} ms)`);
    const statuses = await snapshotOf(worker.url, stadium.id);
    if (database.pgUrl) await copyEventToClassic(database.pgUrl, stadium.id, statuses);
    if (wanted(2) && classic) results.seatMap = { heldSeats: held, ...(await seatMap(worker, classic, stadium.id, { trivial: floor.trivialRoute, roundTrip: floor.workerToDurableObject }, { seconds: SECONDS, connections: CONNECTIONS })) };
  }

  // ---- 3. The mix: 100 views per hold ----
  if (wanted(3) && stadium && classic) {
    progress("section 3: 100 seat-map views per hold");
    // A fan's new hold replaces their held one (rules.ts): every hold is a different fan.
    const fans = 20_000;
    const tokens = await fanTokens("mix", fans);
    const before = statusCounts(await snapshotOf(worker.url, stadium.id));
    const ev = stadium;
    const ours = await mix(
      "mix on our design",
      {
        url: worker.url,
        view: `/api/events/${ev.id}/seats`,
        hold: (seats, fan) => ({ path: "/api/booking/reserve", body: { ticketIds: seats.map((s) => ticketId(ev.id, s)) }, headers: { authorization: `Bearer ${tokens[fan]}` } }),
        seatsOf: (body) => (JSON.parse(body) as { ticketIds: string[] }).ticketIds.map((id) => Number(id.slice(id.lastIndexOf(".") + 1))),
      },
      ev.ticketCount,
      fans,
      { seconds: SECONDS * 2, connections: CONNECTIONS },
    );
    const after = statusCounts(await snapshotOf(worker.url, ev.id));
    const theirs = await mix(
      "mix on the classic design",
      {
        url: classic.url,
        view: `/seats/${ev.id}`,
        hold: (seats, fan) => ({ path: "/reserve", body: { eventId: ev.id, seats, userId: `mix-${fan}` }, headers: {} }),
        seatsOf: (body) => (JSON.parse(body) as { seats: number[] }).seats,
      },
      ev.ticketCount,
      fans,
      { seconds: SECONDS * 2, connections: CONNECTIONS },
    );
    const { heldSeats: oursSeats, ...oursFigure } = ours;
    const { heldSeats: _theirSeats, ...theirFigure } = theirs;
    results.mix = {
      ours: { ...oursFigure, roomHeldBefore: before["1"] ?? 0, roomHeldAfter: after["1"] ?? 0, roomAgreesWithAnswers: (after["1"] ?? 0) - (before["1"] ?? 0) === new Set(oursSeats).size },
      classic: theirFigure,
      oursOverClassic: theirFigure.perSecond > 0 ? Number((oursFigure.perSecond / theirFigure.perSecond).toFixed(1)) : null,
    };
  }

  // ---- 4. Hold storms ----
  if (wanted(4)) {
    progress("section 4: hold storms");
    const amount = QUICK ? 2_000 : 12_000;
    // A fan's new hold replaces their held one (rules.ts): every hold is a different fan.
    const tokens = await fanTokens("storm", amount + 1_000);
    const events = [];
    for (let i = 0; i < 6; i++) events.push(await catalog.createEvent({ venue: amount + 2_000, perUserLimit: 100, name: `Storm ${i}` }));
    const [e50, e200, ...four] = events as [BenchEvent, BenchEvent, ...BenchEvent[]];
    // Each room is opened before its storm, so a storm measures holds, not a room loading its event.
    for (const e of events) await snapshotOf(worker.url, e.id);
    const s50 = await storm("hold storm, one event, 50 fans", worker.url, e50.id, 50, amount, tokens);
    const s200 = await storm("hold storm, one event, 200 fans", worker.url, e200.id, 200, amount, tokens);
    const wall = performance.now();
    const multi = await Promise.all(four.map((e, i) => storm(`hold storm, event ${i + 1} of 4, 50 fans`, worker!.url, e.id, 50, amount, tokens)));
    const summary = stormSummary(s50, s200, multi, (performance.now() - wall) / 1000, floor.workerToDurableObjectAt50);
    // Every hold persisted: restart workerd (rooms reload from their SQLite files) and count held seats.
    await worker.restart();
    const persisted = await Promise.all([e50, e200, ...four].map(async (e) => statusCounts(await snapshotOf(worker!.url, e.id))["1"] ?? 0));
    const answered = [s50, s200, ...multi].map((s) => s.holds);
    results.holdStorm = { ...summary, seatsPerEvent: amount, persistedAfterRestart: persisted, holdsAnswered201: answered, everyHoldPersisted: persisted.every((n, i) => n === answered[i]) };
    progress(`  after a workerd restart the rooms hold ${persisted.join(", ")} seats (201s: ${answered.join(", ")})`);
  }

  // ---- 5. The race ----
  if (wanted(5)) {
    progress("section 5: the race");
    const seats = 1_000;
    const fans = 1_000;
    const attempts = 10_000;
    const event = await catalog.createEvent({ venue: seats, name: "Race" });
    // Every attempt is a different fan (a fan's new hold would replace their held one; a fan who won stops trying).
    const tokens = await fanTokens("race", attempts + fans);
    const seatOf = (id: string) => Number(id.slice(id.lastIndexOf(".") + 1));
    const raceResult: Record<string, unknown> = {
      ours: await race(
        "race on our design",
        { url: worker.url, hold: (seat, fan) => ({ path: "/api/booking/reserve", body: { ticketIds: [ticketId(event.id, seat)] }, headers: { authorization: `Bearer ${tokens[fan]}` } }), seatsOf: (b) => (JSON.parse(b) as { ticketIds: string[] }).ticketIds.map(seatOf) },
        seats,
        fans,
        attempts,
      ),
    };
    raceResult.roomHeldAfter = statusCounts(await snapshotOf(worker.url, event.id))["1"] ?? 0;
    if (classic && database.pgUrl) {
      const free = "0".repeat(seats);
      for (const variant of ["reserve", ...(classic.redis ? ["reserve-redis"] : [])]) {
        const id = `${event.id}-classic-${variant}`;
        await copyEventToClassic(database.pgUrl, id, free);
        raceResult[variant === "reserve" ? "classic" : "classicRedis"] = await race(
          `race on the classic design (/${variant})`,
          { url: classic.url, hold: (seat, fan) => ({ path: `/${variant}`, body: { eventId: id, seats: [seat], userId: `race-${fan}` }, headers: {} }), seatsOf: (b) => (JSON.parse(b) as { seats: number[] }).seats },
          seats,
          fans,
          attempts,
        );
      }
      if (!classic.redis) raceResult.classicRedis = "skipped: no Redis at 127.0.0.1:6379";
    }
    results.race = raceResult;
  }

  // ---- 6. Search (bench/search.ts, when present) ----
  const searchModule = path.join(import.meta.dirname, "search.ts");
  if (wanted(6) && existsSync(searchModule)) {
    progress("section 6: search");
    const search = (await import(searchModule)) as {
      SEARCH_SHAPES?: { name: string; query: Record<string, string>; page?: number }[];
      benchSearchAtDatabase?: (target: string, opts?: Record<string, number>) => Promise<{ name: string; search: { p95: number } }[]>;
      typoRecall?: (target: string, opts?: Record<string, number>) => Promise<unknown>;
    };
    // Search is measured on the 1,000,000-event catalog (`npm run seed -- --events 1000000`), built once and reused.
    const catalogUrl = process.env.BENCH_SEARCH_DATABASE_URL ?? (database.kind === "postgres" ? `postgres://postgres@127.0.0.1:5432/search1m` : undefined);
    const events = catalogUrl ? await catalogSize(catalogUrl) : undefined;
    if (!catalogUrl || events === undefined) {
      results.search = { skipped: "no seeded catalog: build one with DATABASE_URL=postgres://postgres@127.0.0.1:5432/search1m npm run seed -- --events 1000000, or name it in BENCH_SEARCH_DATABASE_URL" };
    } else {
      progress(`  catalog: ${events.toLocaleString("en")} events`);
      const atDatabase = await search.benchSearchAtDatabase?.(catalogUrl, { samples: QUICK ? 10 : 50 });
      const recall = await search.typoRecall?.(catalogUrl, { cases: QUICK ? 50 : 200 });
      // The same shapes through the Worker at the origin (edge cache off), on a workerd whose database is that catalog.
      const origin = await startWorkerd({ vars: { ...VARS, CACHE_TTL_SECONDS: "0" }, database: { url: catalogUrl, proxy: database.local.proxy } });
      const throughWorker: Record<string, unknown>[] = [];
      try {
        for (const shape of search.SEARCH_SHAPES ?? []) {
          let query = new URLSearchParams(shape.query);
          for (let page = 1; page < (shape.page ?? 1); page++) {
            const { json } = await call(`${origin.url}/api/search?${query}`, "GET");
            const next = (json as { nextCursor?: string | null }).nextCursor;
            if (!next) break;
            query = new URLSearchParams({ ...shape.query, cursor: next });
          }
          const times: number[] = [];
          for (let i = 0; i < (QUICK ? 10 : 40); i++) {
            const t = performance.now();
            const res = await call(`${origin.url}/api/search?${query}`, "GET");
            if (res.status !== 200) throw new Error(`search ${shape.name}: ${res.status} ${res.text}`);
            times.push(performance.now() - t);
          }
          const atDb = atDatabase?.find((r) => r.name === shape.name);
          const dbP95 = atDb?.search.p95;
          const figure = { name: shape.name, p50: percentile(times, 0.5), p95: percentile(times, 0.95), p99: percentile(times, 0.99), overDatabaseP95: dbP95 ? ratio(percentile(times, 0.95), dbP95) : null };
          progress(`  through the Worker, ${shape.name}: p50 ${figure.p50} ms, p95 ${figure.p95} ms (${figure.overDatabaseP95 ?? "?"}× the database's p95)`);
          throughWorker.push(figure);
        }
      } finally {
        await origin.stop();
      }
      results.search = {
        catalog: { events, database: catalogUrl.replace(/:[^:@/]*@/, "@") },
        atDatabase,
        typoRecall: recall,
        throughWorkerAtOrigin: throughWorker,
        note: "the Worker reads over Neon's HTTP query path, answered locally by the proxy (docs/database-reads.md); edge cache off",
      };
    }
  }

  // ---- 7. Fan-out (bench/fanout.ts, when present) ----
  const fanoutModule = path.join(import.meta.dirname, "fanout.ts");
  if (wanted(7) && existsSync(fanoutModule)) {
    progress("section 7: fan-out");
    const fanout = (await import(fanoutModule)) as { benchFanout?: (options: Record<string, unknown>) => Promise<unknown> };
    // A stadium of its own: the mix left random holds on the first one.
    const event = await catalog.createEvent({ venue: "stadium", perUserLimit: 100, name: "Fan-out" });
    const [token] = await fanTokens("fanout", 1);
    const w = worker;
    results.fanout = await fanout
      .benchFanout?.({
      url: w.url,
      pid: w.pid,
      probeUrl: w.probeUrl,
      eventId: event.id,
      ticketCount: event.ticketCount,
      token,
      quick: QUICK,
        restart: (vars: Record<string, string>) => w.restart({ ...VARS, ...vars }),
      })
      .catch((error: unknown) => {
        progress(`  fan-out failed: ${String(error)}`);
        return { error: String(error) };
      });
    // Back to the run's vars (the fan-out bench may have left others).
    await w.restart(VARS);
  }

  // ---- 8. The waiting room ----
  if (wanted(8)) {
    progress("section 8: the waiting room");
    const joinEvent = await catalog.createEvent({ venue: 1_000, name: "Queue joins" });
    const admitEvent = await catalog.createEvent({ venue: 5_000, name: "Queue admission" });
    results.waitingRoom = await waitingRoom(worker.url, worker.storageDir, joinEvent.id, admitEvent.id, QUICK ? 5_000 : 100_000, 2_000, SECONDS);
  }

  // ---- 9. Booking end to end ----
  if (wanted(9)) {
    progress("section 9: booking end to end");
    const flows = QUICK ? 200 : 2_000;
    const event = await catalog.createEvent({ venue: flows, name: "Bookings" });
    results.booking = await bookingThroughput(worker.url, database.pgUrl, event.id, flows, 16);
  }

  // ---- 10. The stadium's seat map in a browser (bench/map-browser.ts) ----
  if (wanted(10)) {
    progress("section 10: the seat map in Chromium");
    const event = stadium ?? (await catalog.createEvent({ venue: "stadium", perUserLimit: 100, name: "Map" }));
    const { benchMapInBrowser } = await import("./map-browser");
    results.seatMapInBrowser = await benchMapInBrowser({ url: worker.url, eventId: event.id, ticketCount: event.ticketCount, deltas: QUICK ? 5 : 20 }).catch((error: unknown) => ({ error: String(error) }));
  }

  await catalog.close();
  results.elapsedSeconds = Math.round((Date.now() - started) / 1000);
  (results.machine as Record<string, unknown>).loadAverageAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
  // A run of some sections only does not overwrite the figures of a whole run.
  const file = path.join(import.meta.dirname, "results", only.size === 0 ? "latest.json" : "partial.json");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  progress(`done in ${results.elapsedSeconds} s; figures in ${path.relative(process.cwd(), file)}`);
  console.log(JSON.stringify(results, null, 2));
} catch (error) {
  progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}

/** How many events a catalog database holds, or undefined when it cannot be reached or has none. */
async function catalogSize(url: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ n: number }>("select count(*)::int as n from events");
    return rows[0]?.n ? rows[0].n : undefined;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}
