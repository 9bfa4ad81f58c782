/**
 * The live seat map: a compact snapshot, and a Server-Sent Events stream of
 * changes, both from the event's SeatRoom (never cached: live state).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { EventParams } from "../../../src/shared/catalog";
import { log } from "../../../src/shared/log";
import { createApp } from "../openapi-app";
import { notFound, problemResponses } from "../problem";
import { seatRoom } from "../rooms";
import { endsCleanly, retryLater, sseResponse } from "../sse";

const SeatSnapshot = z
  .object({
    eventId: z.string(),
    seq: z.number().int().openapi({ description: "the room's sequence number this snapshot reflects" }),
    statuses: z.string().openapi({
      description:
        "One character per seat index (the ticket `<eventId>.<index>`): 0 available, 1 held, 2 sold. An 80,000-seat stadium is an 80,000-character string, a few KB gzipped.",
      example: "0001120000",
    }),
  })
  .openapi("SeatSnapshot");

const StreamQuery = z.object({
  lastEventId: z.string().regex(/^\d{1,15}$/).optional().openapi({ description: "for clients that cannot send the Last-Event-ID header" }),
});

export const seatRoutes = createApp()
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/seats",
      summary: "A compact snapshot of every ticket's status",
      request: { params: EventParams },
      responses: {
        200: { description: "the snapshot", content: { "application/json": { schema: SeatSnapshot } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const snapshot = await seatRoom(c.env, eventId).seats(eventId);
      if (!snapshot) throw notFound(`no event with id ${eventId}`);
      c.header("cache-control", "no-store");
      return c.json({ eventId, ...snapshot }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/seats/stream",
      summary: "Live seat changes (Server-Sent Events)",
      description:
        "Events: `snapshot` ({eventId, seq, statuses}) first, then `delta` ({from, seq, available[], held[], sold[]}: ticket ids by new status) with the seq as the SSE id. Reconnect with Last-Event-ID to get exactly the missed changes, or a fresh snapshot when too far behind. A comment every 25 s keeps the connection open. If the room restarts, the stream ends with a retry hint.",
      request: { params: EventParams, query: StreamQuery },
      responses: {
        200: { description: "an event stream", content: { "text/event-stream": { schema: z.string() } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const url = new URL("https://seat-room/seats/stream");
      url.searchParams.set("eventId", eventId);
      const { lastEventId } = c.req.valid("query");
      const last = c.req.header("last-event-id") ?? lastEventId;
      let upstream: Response;
      try {
        upstream = await seatRoom(c.env, eventId).fetch(url, { headers: last ? { "last-event-id": last } : {} });
      } catch (error) {
        // The room is restarting: a 200 that ends at once with a retry hint,
        // because EventSource gives up for good on a non-2xx answer.
        log("warn", "seat_stream_unavailable", { requestId: c.var.requestId, eventId, message: String(error) });
        return retryLater();
      }
      if (upstream.status === 404) throw notFound(`no event with id ${eventId}`);
      return sseResponse(endsCleanly(upstream.body));
    },
  );
