/**
 * Postgres through Drizzle over the Neon driver, for one unit of work: a
 * request in the API, or one step of a room (its start-up read, an alarm).
 * The caller ends the pool; a WebSocket must not outlive the work that
 * opened it.
 */
import type { NeonDatabase } from "drizzle-orm/neon-serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import * as schema from "./db-schema";
import { createPool } from "./neon";

export type Database = NeonDatabase<typeof schema>;

export interface Session {
  /** Opens the pool on first use. */
  db: () => Database;
  /** Ends the pool if it was opened. */
  end: () => Promise<void>;
}

export function openSession(env: Pick<Env, "DATABASE_URL" | "NEON_LOCAL_PROXY">): Session {
  let pool: ReturnType<typeof createPool> | undefined;
  let db: Database | undefined;
  return {
    db: () => {
      if (!db) {
        pool = createPool(env.DATABASE_URL, { localProxy: env.NEON_LOCAL_PROXY });
        db = drizzle(pool, { schema });
      }
      return db;
    },
    end: async () => {
      await pool?.end().catch(() => {});
    },
  };
}

/** Runs `work` with a session that is ended afterwards, whatever happens. */
export async function withSession<T>(env: Pick<Env, "DATABASE_URL" | "NEON_LOCAL_PROXY">, work: (db: () => Database) => Promise<T>): Promise<T> {
  const session = openSession(env);
  try {
    return await work(session.db);
  } finally {
    await session.end();
  }
}
