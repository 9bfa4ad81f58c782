import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { log, redact } from "../../../src/shared/log";
import { createApp } from "../openapi-app";
import { problemResponses } from "../problem";

const HEALTH_TIMEOUT_MS = 3_000;
const Health = z.object({ ok: z.boolean(), db: z.enum(["up", "down"]) }).openapi("Health");

export const health = createApp().openapi(
  createRoute({
    method: "get",
    path: "/health",
    operationId: "getHealth",
    security: [],
    summary: "Liveness and database reachability",
    responses: {
      200: { description: "up", content: { "application/json": { schema: Health } } },
      503: { description: "the database is unreachable", content: { "application/json": { schema: Health } } },
      // Not from this route: the API refuses hostile text in any request (a NUL in the query, say) before routing.
      ...problemResponses(400),
    },
  }),
  async (c) => {
    try {
      await Promise.race([
        c.var.db().execute(sql`select 1`),
        new Promise((_, reject) => setTimeout(() => reject(new Error("health check timed out")), HEALTH_TIMEOUT_MS)),
      ]);
      return c.json({ ok: true, db: "up" as const }, 200);
    } catch (error) {
      log("warn", "health_db_down", { requestId: c.var.requestId, message: redact(String(error)) });
      return c.json({ ok: false, db: "down" as const }, 503);
    }
  },
);
