/**
 * Running an on-sale: the live figures (once as JSON, or every second over
 * SSE), the mid-sale controls, and their audit. For the organizers of the
 * event's org and platform admins (the door's staff see the door's figures
 * instead). Each control is an operation of ops/operations.ts, the same one
 * any other route that does the same thing calls, and is audited there.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { EventParams } from "../../../src/shared/catalog";
import { AuditEntry, ExtendHolds, OpsFigures, PauseSales, QueueControl, ResumeSales, SalesPause } from "../../../src/shared/ops";
import { QueueSettings } from "../../../src/shared/queue";
import { requireOrganizer, requireUser } from "../auth";
import { ownedEvent } from "../catalog/tenancy";
import { decodeCursor, encodeCursor, timeAndId } from "../catalog/cursor";
import { ID_PATTERN } from "../../../src/shared/ids";
import { bearer, createApp, json } from "../openapi-app";
import { auditOf } from "../ops/audit";
import { opsFigures, sectionsOf } from "../ops/figures";
import { knownEvent } from "../ops/rejections";
import { changeEvent, extendHolds, pauseSales, resumeSales } from "../ops/operations";
import { badRequest, Problem, problemResponses } from "../problem";
import { limitByUser } from "../rate-limits";

const reader = [requireUser, requireOrganizer];
const control = [requireUser, requireOrganizer, limitByUser("catalog")];

/** How often the stream sends the figures, and how long one stream lasts before the page reconnects. */
const FRAME_MS = 1_000;
/** Every how many frames the stream reads the money's figures from Postgres again. */
const PAYMENTS_EVERY = 5;
const STREAM_MS = 10 * 60_000;

const AuditQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(500).optional().openapi({ description: "nextCursor of the previous page" }),
  })
  .strict();
const AuditPage = z.object({ entries: z.array(AuditEntry), nextCursor: z.string().nullable() }).openapi("OpsAudit");
const PauseAnswer = z.object({ paused: SalesPause }).openapi("OpsSalesState");

const controlRoute = <S extends z.ZodType>(path: string, operationId: string, summary: string, body: S, answer: z.ZodType) =>
  createRoute({
    method: "post",
    path: `/events/{eventId}/ops/${path}`,
    operationId,
    summary,
    security: bearer,
    middleware: control,
    request: { params: EventParams, body: json(body) },
    responses: {
      200: { description: "done, and audited", content: { "application/json": { schema: answer } } },
      ...problemResponses(400, 401, 403, 404, 409, 429, 503),
    },
  });

export const opsRoutes = createApp()
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/ops",
      operationId: "getOpsFigures",
      summary: "The live operating figures of an on-sale: seats, holds, payments, waiting room, health",
      security: bearer,
      middleware: reader,
      request: { params: EventParams },
      responses: {
        200: { description: "the figures now", content: { "application/json": { schema: OpsFigures } } },
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const event = await ownedEvent(c, c.req.valid("param").eventId);
      knownEvent(c.env, (p) => c.executionCtx.waitUntil(p), event.id);
      c.header("cache-control", "no-store");
      return c.json(await opsFigures(c.env, c.var.read, event), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/ops/stream",
      operationId: "streamOpsFigures",
      summary: "The same figures every second (Server-Sent Events `figures`), for ten minutes; then reconnect",
      description: "Read it with fetch and an Authorization header (EventSource cannot send one). Each frame's data is an OpsFigures document.",
      security: bearer,
      middleware: reader,
      request: { params: EventParams },
      responses: {
        200: { description: "an event stream of `figures` frames", content: { "text/event-stream": { schema: z.string() } } },
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      let event = await ownedEvent(c, eventId);
      knownEvent(c.env, (p) => c.executionCtx.waitUntil(p), eventId);
      const sections = await sectionsOf(c.var.read(), eventId);
      c.header("content-encoding", "identity");
      c.header("cache-control", "no-cache, no-transform");
      return streamSSE(c, async (stream) => {
        const until = Date.now() + STREAM_MS;
        let frame = 0;
        let payments: { payments: OpsFigures["payments"] } | undefined;
        while (!stream.aborted && Date.now() < until) {
          // The event row again every ten frames: its status and queue settings change mid-sale.
          if (frame > 0 && frame % 10 === 0) event = await ownedEvent(c, eventId).catch(() => event);
          const figures = await opsFigures(c.env, c.var.read, event, sections, frame % PAYMENTS_EVERY === 0 ? undefined : payments);
          payments = { payments: figures.payments };
          await stream.writeSSE({ event: "figures", id: String(frame), data: JSON.stringify(figures) });
          frame += 1;
          await stream.sleep(FRAME_MS);
        }
        await stream.write("retry: 1000\n\n");
      });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/ops/audit",
      operationId: "listOpsAudit",
      summary: "Every control and change of the event: who, when, why, before and after; newest first",
      security: bearer,
      middleware: reader,
      request: { params: EventParams, query: AuditQuery },
      responses: {
        200: { description: "a page of the audit", content: { "application/json": { schema: AuditPage } } },
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const { limit, cursor } = c.req.valid("query");
      await ownedEvent(c, eventId);
      const before = cursor ? decodeCursor(cursor, auditPosition, "the audit") : undefined;
      const entries = await auditOf(c.var.read(), eventId, limit + 1, before);
      const page = entries.slice(0, limit);
      const last = page.at(-1);
      const nextCursor = entries.length > limit && last ? encodeCursor({ t: last.at, i: last.id }) : null;
      c.header("cache-control", "no-store");
      return c.json({ entries: page, nextCursor }, 200);
    },
  )
  .openapi(controlRoute("pause", "pauseSales", "Pause sales: new holds are refused with 503 and Retry-After; holds already made go on", PauseSales, PauseAnswer), async (c) => {
    const event = await ownedEvent(c, c.req.valid("param").eventId);
    return c.json({ paused: await pauseSales(c, event, c.req.valid("json")) }, 200);
  })
  .openapi(controlRoute("resume", "resumeSales", "Resume sales", ResumeSales, PauseAnswer), async (c) => {
    const event = await ownedEvent(c, c.req.valid("param").eventId);
    await resumeSales(c, event, c.req.valid("json"));
    return c.json({ paused: null }, 200);
  })
  .openapi(
    controlRoute(
      "extend-holds",
      "extendHolds",
      "Give every live hold (held or paying) N more minutes, after an incident",
      ExtendHolds,
      z.object({ holds: z.number().int(), seats: z.number().int(), latestExpiry: z.string().nullable() }).openapi("OpsHoldsExtended"),
    ),
    async (c) => {
      const event = await ownedEvent(c, c.req.valid("param").eventId);
      const extended = await extendHolds(c, event, c.req.valid("json"));
      return c.json({ ...extended, latestExpiry: extended.latestExpiry === null ? null : new Date(extended.latestExpiry).toISOString() }, 200);
    },
  )
  .openapi(
    controlRoute(
      "queue",
      "controlQueue",
      "Change the waiting room mid-sale: admission rate (batch size, tick), shoppers at once, pause admission, close the queue",
      QueueControl,
      z.object({ queue: QueueSettings, changed: z.boolean().openapi({ description: "false when every setting named already had that value (nothing is audited then)" }) }).openapi("OpsQueueChanged"),
    ),
    async (c) => {
      const event = await ownedEvent(c, c.req.valid("param").eventId);
      const { reason, ...settings } = c.req.valid("json");
      if (!event.queue.enabled) throw new Problem(409, "this event has no waiting room; turn it on in the event's settings first");
      if (Object.keys(settings).length === 0) throw badRequest("name at least one setting to change");
      const current = event.queue as Record<string, unknown>;
      if (Object.entries(settings).every(([name, value]) => current[name] === value)) return c.json({ queue: event.queue, changed: false }, 200);
      // Only the settings named change, merged under the event's lock (another operator may be changing others).
      const changed = await changeEvent(c, event, { queue: { ...event.queue, ...settings } }, reason ?? null, settings);
      return c.json({ queue: changed.queue, changed: true }, 200);
    },
  );

/** An audit cursor: an entry's time (one JavaScript reads) and its id. */
function auditPosition(fields: Record<string, unknown>): { at: Date; id: string } | undefined {
  const position = timeAndId(fields);
  const at = position ? new Date(position.t) : undefined;
  return position && at && !Number.isNaN(at.getTime()) && ID_PATTERN.test(position.i) ? { at, id: position.i } : undefined;
}
