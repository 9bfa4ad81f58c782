/**
 * One log line per request (and its Analytics Engine datapoint): the request
 * id (Cloudflare's `cf-ray` where there is one, else a new one; sent back as
 * `X-Request-Id` and passed into the rooms), the route's pattern, the
 * event, hold and booking it concerns, the user (hashed), the status and the
 * duration. Never the query string (queue tickets travel in it) or a header.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import { eventOfHold } from "../../src/shared/ids";
import { step, type LogFields } from "../../src/shared/log";
import type { AppEnv } from "./env";

/** Event and booking ids, and hold ids (`hd_<event>_<12>`), in a path. */
const IDS_IN_PATH = /\b(?:(ev|bk)_[0-9a-z]{1,40}|(hd)_[0-9a-z]{1,40}_[0-9a-z]{12})\b/g;
const FIELD = { ev: "eventId", hd: "holdId", bk: "bookingId" } as const;

/** The request id: Cloudflare's ray id when the request came through Cloudflare. */
export const requestIdOf = (c: Context) => c.req.header("cf-ray") ?? crypto.randomUUID();

/** Ids a handler learned (the hold it created, the booking a webhook wrote), for the request's line. */
export function noteIds(c: Context<AppEnv>, ids: LogFields): void {
  c.set("logIds", { ...c.get("logIds"), ...ids });
}

export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  try {
    await next();
    sendBack(c);
  } finally {
    const ids: LogFields = {};
    for (const match of c.req.path.matchAll(IDS_IN_PATH)) {
      const field = FIELD[(match[1] ?? match[2]) as keyof typeof FIELD];
      ids[field] ??= match[0];
    }
    if (typeof ids.holdId === "string") ids.eventId ??= eventOfHold(ids.holdId);
    const status = c.res.status;
    step(c.env, {
      step: "request",
      requestId: c.get("requestId"),
      method: c.req.method,
      route: routePath(c, -1),
      ...ids,
      ...c.get("logIds"),
      userId: c.get("user")?.id,
      outcome: String(status),
      durationMs: Date.now() - started,
    }, status >= 500 ? "error" : "info");
  }
});

/** The request id on the response, also on one served from the edge cache (whose headers cannot change). */
function sendBack(c: Context<AppEnv>): void {
  const id = c.get("requestId");
  if (!id || c.res.headers.get("x-request-id") === id) return;
  try {
    c.res.headers.set("x-request-id", id);
  } catch {
    const copy = new Response(c.res.body, c.res);
    copy.headers.set("x-request-id", id);
    c.res = copy;
  }
}
