/**
 * Postgres per request, as Neon advises for Workers: a `Pool` is opened on
 * first use inside the request and ended after the response, never shared
 * across requests (a WebSocket cannot outlive the request that opened it).
 */
import type { Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import { createMiddleware } from "hono/factory";
import * as schema from "../../src/shared/db-schema";
import { createPool } from "../../src/shared/neon";
import type { AppEnv, Database } from "./env";

export const database = createMiddleware<AppEnv>(async (c, next) => {
  let pool: Pool | undefined;
  let db: Database | undefined;
  c.set("db", () => {
    if (!db) {
      pool = createPool(c.env.DATABASE_URL, { localProxy: c.env.NEON_LOCAL_PROXY });
      db = drizzle(pool, { schema });
    }
    return db;
  });
  try {
    await next();
  } finally {
    if (pool) c.executionCtx.waitUntil(pool.end().catch(() => {}));
  }
});
