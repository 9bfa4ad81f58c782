/**
 * The stack a benchmark measures: a database (embedded PGlite in a temporary
 * folder, or the server named by DATABASE_URL) with migrations applied, one
 * event on a venue template, and `wrangler dev` (workerd) in front of it.
 * `stop()` ends the Worker, the pool and the database, in that order, and
 * removes the temporary folder; it may be called more than once, and runs
 * by itself when the benchmark is interrupted (Ctrl-C), so no folder is
 * left behind.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { drizzle } from "drizzle-orm/neon-serverless";
import * as schema from "../src/shared/db-schema";
import { createPool } from "../src/shared/neon";
import { venueTemplate, type VenueKind } from "../src/shared/venue-templates";
import { applyMigrations, openDatabase, type LocalDatabase } from "../scripts/local/database";
import { startWorker, waitUntilReady, type LocalWorker } from "../scripts/local/worker";
import { createEvent, createPerformer, createVenue } from "../workers/api/catalog/writes";
import { DEMO_ORG } from "../workers/api/catalog/tenancy";
import { onInterrupt } from "./scratch";

export interface BenchStack {
  database: LocalDatabase;
  pool: ReturnType<typeof createPool>;
  event: { id: string; ticketCount: number };
  worker: LocalWorker;
  stop(): Promise<void>;
}

export async function startBenchStack(options: {
  venue: VenueKind;
  port: number;
  vars: Record<string, string>;
}): Promise<BenchStack> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), "edge-tickets-bench-"));
  const url = process.env.DATABASE_URL;
  const database = await openDatabase({ url, dataDir: url ? undefined : path.join(stateDir, "pg") });
  const pool = createPool(database.url, database.neon);
  let worker: LocalWorker | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      forget();
      await worker?.stop();
      await pool.end().catch(() => {});
      await database.stop();
      await rm(stateDir, { recursive: true, force: true });
    })());
  const forget = onInterrupt(stop);
  try {
    await applyMigrations(database);
    const event = await createBenchEvent(drizzle(pool, { schema }), options.venue);
    worker = await startWorker({ database, port: options.port, stateDir, vars: options.vars, quiet: process.env.BENCH_VERBOSE !== "1" });
    await waitUntilReady(worker.url);
    return { database, pool, event, worker, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One concert on a fresh venue of the given kind, every section at one price. */
async function createBenchEvent(db: Parameters<typeof createVenue>[0], kind: VenueKind) {
  const sections = venueTemplate(kind);
  const venue = await createVenue(db, { name: `Bench ${kind}`, city: "London", country: "GB", lat: 51.556, lng: -0.2796, timezone: "Europe/London", sections }, { orgId: DEMO_ORG });
  const performer = await createPerformer(db, { name: "The Benchmarks" }, DEMO_ORG);
  return createEvent(db, {
    name: "Benchmark Night",
    type: "concert",
    startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    venueId: venue.id,
    performerId: performer.id,
    prices: sections.map((s) => ({ section: s.name, priceCents: 9900 })),
  }, { orgId: DEMO_ORG });
}
