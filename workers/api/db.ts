/**
 * Postgres per request, as Neon advises for Workers: a `Pool` is opened on
 * first use inside the request and ended after the response, never shared
 * across requests (a WebSocket cannot outlive the request that opened it).
 * Single-statement reads take `read` instead: one HTTP round trip each, and
 * no pool at all for a request that only reads (docs/database-reads.md).
 */
import { createMiddleware } from "hono/factory";
import { openSession } from "../../src/shared/database";
import type { AppEnv } from "./env";

export const database = createMiddleware<AppEnv>(async (c, next) => {
  const session = openSession(c.env);
  c.set("db", session.db);
  c.set("read", session.read);
  try {
    await next();
  } finally {
    c.executionCtx.waitUntil(session.end());
  }
});
