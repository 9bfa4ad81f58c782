/**
 * Gets a Postgres ready for the Worker: the one named by a URL, or an
 * embedded one, always behind the local WebSocket proxy when it runs on this
 * machine (the Neon driver speaks only WebSocket), with migrations applied.
 * `npm run dev`, `npm run migrate`, `npm run seed` and the test setup all
 * start here.
 */
import path from "node:path";
import { drizzle } from "drizzle-orm/neon-serverless";
import { migrate } from "drizzle-orm/neon-serverless/migrator";
import ws from "ws";
import { createPool, type NeonOptions } from "../../src/shared/neon";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { startWsProxy } from "./ws-proxy";

export interface LocalDatabase {
  url: string;
  /** `host:port` of the WebSocket proxy, or undefined for a remote (Neon) database. */
  proxy: string | undefined;
  embedded: boolean;
  neon: NeonOptions;
  stop(): Promise<void>;
}

const MIGRATIONS = path.resolve(import.meta.dirname, "../../migrations");
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

export async function openDatabase(options: {
  url?: string | undefined;
  /** Where the embedded database keeps its files; undefined keeps it in memory. */
  dataDir?: string | undefined;
  proxyPort?: number;
  /** Tests: the proxy accepts `POST /faults` to play a database outage. */
  faults?: boolean;
}): Promise<LocalDatabase> {
  const embedded = options.url ? undefined : await startEmbeddedPostgres({ dataDir: options.dataDir });
  const url = options.url ?? embedded?.url ?? "";
  const local = LOOPBACK_HOSTS.has(new URL(url).hostname);
  const proxy = local ? await startWsProxy({ port: options.proxyPort ?? 0, serialize: embedded !== undefined, faults: options.faults ?? false }) : undefined;
  return {
    url,
    proxy: proxy?.address,
    embedded: embedded !== undefined,
    neon: { localProxy: proxy?.address, webSocketConstructor: ws as never },
    async stop() {
      await proxy?.stop();
      await embedded?.stop();
    },
  };
}

export async function applyMigrations(database: LocalDatabase): Promise<void> {
  const pool = createPool(database.url, database.neon);
  try {
    await migrate(drizzle(pool), { migrationsFolder: MIGRATIONS });
  } finally {
    await pool.end();
  }
}

/** Drops every table: tests call it on a server they were given to use. */
export async function resetDatabase(database: LocalDatabase): Promise<void> {
  const pool = createPool(database.url, database.neon);
  try {
    await pool.query("DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS drizzle CASCADE; CREATE SCHEMA public;");
  } finally {
    await pool.end();
  }
}
