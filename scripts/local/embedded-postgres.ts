/**
 * Embedded Postgres for local development and tests: PGlite (Postgres
 * compiled to WASM) served over the Postgres wire protocol by
 * @electric-sql/pglite-socket, so every client (the Neon driver included)
 * talks to it exactly as it would to a real server.
 *
 * PGlite is a single session; pglite-socket multiplexes several connections
 * onto it at the query level and keeps an open transaction on the connection
 * that began it. That is enough for development and the test suite; truths
 * about real concurrency are checked against a real server in CI.
 */
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  /** A connection string for any Postgres client. */
  url: string;
  stop(): Promise<void>;
}

/** Starts PGlite on `port` (0 picks a free one); `dataDir` undefined keeps it in memory. */
export async function startEmbeddedPostgres(options: {
  dataDir?: string;
  port?: number;
  maxConnections?: number;
}): Promise<EmbeddedPostgres> {
  const db = await PGlite.create({
    dataDir: options.dataDir,
    extensions: { pg_trgm },
  });
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 64,
    debug: process.env.PGLITE_DEBUG === "1",
  });
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgres://postgres:postgres@${address}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
