/**
 * The whole stack for browser tests: embedded Postgres, the WebSocket proxy,
 * `wrangler dev` with short holds (HOLD_TTL_SECONDS=8, so expiry can be seen
 * in a browser), and a few events made through the catalog code.
 */
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-serverless";
import type { TestProject } from "vitest/node";
import * as schema from "../../src/shared/db-schema";
import { createPool } from "../../src/shared/neon";
import { applyMigrations, openDatabase } from "../../scripts/local/database";
import { startWorker, waitUntilReady } from "../../scripts/local/worker";
import { createEvent, createPerformer, createVenue, patchEvent } from "../../workers/api/catalog/writes";
import { DEMO_ORG } from "../../workers/api/catalog/tenancy";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), "edge-tickets-e2e-"));
  const database = await openDatabase({ url: process.env.TEST_DATABASE_URL, dataDir: undefined });
  await applyMigrations(database);
  const pool = createPool(database.url, database.neon);
  const db = drizzle(pool, { schema });
  const marker = `e2e${Date.now().toString(36)}`;
  const performer = await createPerformer(db, { name: `The Playwrights ${marker}` }, DEMO_ORG);
  const club = await createVenue(db, { name: "Browser Hall", city: "Leeds", country: "GB", lat: 53.8, lng: -1.55, timezone: "Europe/London", template: "theater" }, { orgId: DEMO_ORG });
  const startsAt = new Date(Date.now() + 20 * 86_400_000).toISOString();
  // More than the 3,000 places above which maps start as one box per section.
  const bigHall = await createVenue(
    db,
    { name: "Big Shed", city: "Leeds", country: "GB", lat: 53.8, lng: -1.55, timezone: "Europe/London", sections: [{ name: "Field", capacity: 3_000 }, { name: "Stand", rows: [{ name: "A", seats: 20 }] }] },
    { orgId: DEMO_ORG },
  );
  // The demo's stadium (90,000 seats round a pitch), for the seat map's journeys.
  const stadium = await createVenue(db, { name: "Browser Stadium", city: "Leeds", country: "GB", lat: 53.8, lng: -1.55, timezone: "Europe/London", template: "stadium" }, { orgId: DEMO_ORG });
  const make = async (name: string, venue = club) => {
    const prices = venue.sections.map((section) => ({ section, priceCents: 4200 }));
    return (await createEvent(db, { name: `${name} ${marker}`, type: "concert", startsAt, venueId: venue.id, performerId: performer.id, prices }, { orgId: DEMO_ORG })).id;
  };
  const events = {
    journey: await make("Journey Night"),
    together: await make("Together Night"),
    expiry: await make("Expiry Night"),
    queued: await make("Queue Night"),
    // The organizer dashboard's journeys: an event to report, refund and block, one to cancel, one too big to draw whole.
    dashboard: await make("Dashboard Night"),
    cancelling: await make("Cancel Night"),
    big: await make("Big Night", bigHall),
    stadium: await make("Stadium Night", stadium),
  };
  const [queued] = await db.select().from(schema.events).where(eq(schema.events.id, events.queued));
  if (!queued) throw new Error("the queued event was not created");
  await patchEvent(db, queued, { queue: { enabled: true, batchSize: 10, tickSeconds: 1 } });
  await pool.end();

  const port = 8800 + Math.floor(Math.random() * 100);
  const worker = await startWorker({ database, port, stateDir, vars: { HOLD_TTL_SECONDS: "8", HOLD_GRACE_SECONDS: "5" }, quiet: true });
  await waitUntilReady(worker.url);
  project.provide("baseUrl", worker.url);
  project.provide("events", events);
  project.provide("marker", marker);
  return async () => {
    await worker.stop();
    await database.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    events: { journey: string; together: string; expiry: string; queued: string; dashboard: string; cancelling: string; big: string; stadium: string };
    marker: string;
  }
}
