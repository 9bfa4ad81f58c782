/**
 * Postgres through Drizzle over the Neon driver, for one unit of work: a
 * request in the API, or one step of a room (its start-up read, an alarm).
 *
 * A session has two handles (docs/database-reads.md):
 *
 * - `read()`: Drizzle over Neon's SQL-over-HTTP path (`neon-http`). Each
 *   statement is one `fetch`, one round trip, with no connection to open,
 *   authenticate or end. For single-statement reads; it has no
 *   transactions (Drizzle's `neon-http` throws on `transaction()`), so its
 *   type, `ReadDatabase`, has none either.
 * - `db()`: Drizzle over a WebSocket `Pool`, opened on first use, for
 *   transactions and multi-statement work. The caller ends the session; a
 *   WebSocket must not outlive the work that opened it.
 */
import { drizzle as drizzleHttp } from "drizzle-orm/neon-http";
import type { NeonDatabase } from "drizzle-orm/neon-serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./db-schema";
import { createHttpClient, createPool } from "./neon";

export type Database = NeonDatabase<typeof schema>;

/** What `execute()` answers on either path: at least the rows. */
interface ReadResult<Row> {
  rows: Row[];
}

interface ReadResultHKT extends PgQueryResultHKT {
  type: ReadResult<this["row"]>;
}

/**
 * A database a single-statement read can run on: the HTTP handle, or a
 * WebSocket `Database` (a transaction's reads included). No `transaction()`:
 * one statement is one round trip, and none of them hold a session.
 */
export type ReadDatabase = Omit<PgDatabase<ReadResultHKT, typeof schema>, "transaction">;

export interface Session {
  /** Opens the pool on first use. */
  db: () => Database;
  /** Single-statement reads over HTTP; nothing to open or end. */
  read: () => ReadDatabase;
  /** Ends the pool if it was opened. */
  end: () => Promise<void>;
}

type DatabaseEnv = Pick<Env, "DATABASE_URL" | "NEON_LOCAL_PROXY">;

export function openSession(env: DatabaseEnv): Session {
  let pool: ReturnType<typeof createPool> | undefined;
  let db: Database | undefined;
  let read: ReadDatabase | undefined;
  return {
    db: () => {
      if (!db) {
        pool = createPool(env.DATABASE_URL, { localProxy: env.NEON_LOCAL_PROXY });
        db = drizzle(pool, { schema });
      }
      return db;
    },
    read: () => {
      read ??= drizzleHttp(createHttpClient(env.DATABASE_URL, { localProxy: env.NEON_LOCAL_PROXY }), { schema });
      return read;
    },
    end: async () => {
      await pool?.end().catch(() => {});
    },
  };
}

/** Runs `work` with a session that is ended afterwards, whatever happens. */
export async function withSession<T>(env: DatabaseEnv, work: (db: () => Database) => Promise<T>): Promise<T> {
  const session = openSession(env);
  try {
    return await work(session.db);
  } finally {
    await session.end();
  }
}
