/**
 * `npm run seed [-- --events N] [--seed S]`: migrates, then fills an empty
 * catalog with the demo data (2,000 events) and tops it up to N events with
 * bulk benchmark events. Uses DATABASE_URL, or the embedded database in
 * DATA_DIR (stop `npm run dev` first: an embedded database has one owner).
 */
import { mkdir } from "node:fs/promises";
import { parseArgs } from "node:util";
import { drizzle } from "drizzle-orm/neon-serverless";
import { sql } from "drizzle-orm";
import * as schema from "../src/shared/db-schema";
import { createPool } from "../src/shared/neon";
import { DATA_DIR, EMBEDDED_DB_DIR } from "./local/config";
import { applyMigrations, openDatabase, type LocalDatabase } from "./local/database";
import { progressBar } from "./local/progress";
import { seedBulkEvents } from "./seed/bulk-catalog";
import { DEMO_EVENT_COUNT, seedDemoCatalog } from "./seed/demo-catalog";

export async function seed(database: LocalDatabase, options: { events?: number; seed?: number } = {}): Promise<void> {
  const pool = createPool(database.url, database.neon);
  try {
    const db = drizzle(pool, { schema });
    const count = async () =>
      (await db.execute<{ n: number }>(sql`select count(*)::int as n from events`)).rows[0]?.n ?? 0;
    const target = options.events ?? DEMO_EVENT_COUNT;
    if ((await count()) === 0) {
      await seedDemoCatalog(db, { seed: options.seed, events: Math.min(target, DEMO_EVENT_COUNT), progress: progressBar("demo events") });
    }
    const missing = target - (await count());
    if (missing > 0) await seedBulkEvents(db, missing, progressBar("bulk events"));
    // A bulk load leaves the planner without statistics until autovacuum
    // gets round to it; search plans depend on them (row estimates of a
    // term, a city, a date range), so gather them now.
    await db.execute(sql`analyze`);
    console.log(`catalog: ${await count()} events`);
  } finally {
    await pool.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { events: { type: "string" }, seed: { type: "string" } },
  });
  const events = values.events === undefined ? undefined : Number(values.events);
  if (events !== undefined && !(Number.isInteger(events) && events > 0)) {
    console.error("--events takes a positive whole number");
    process.exit(2);
  }
  const url = process.env.DATABASE_URL;
  // PGlite opens its data folder but does not create the folders above it.
  if (!url) await mkdir(DATA_DIR, { recursive: true });
  const database = await openDatabase({ url, dataDir: url ? undefined : EMBEDDED_DB_DIR });
  try {
    await applyMigrations(database);
    await seed(database, { events, seed: values.seed === undefined ? undefined : Number(values.seed) });
  } finally {
    await database.stop();
  }
}
