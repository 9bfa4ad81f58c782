/**
 * The live seat map: a compact snapshot, and a Server-Sent Events stream of
 * changes, both from the event's SeatRoom (never cached: live state).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { EventParams } from "../../../src/shared/catalog";
import { log } from "../../../src/shared/log";
import { createApp, optionalBearer } from "../openapi-app";
import { bestAvailable } from "../../../src/shared/best-available";
import { ticketId } from "../../../src/shared/ids";
import { loadEventDetail, type EventStatic } from "../catalog/event-detail";
import { cachedText } from "../edge-cache";
import { notFound, Problem, problemResponses } from "../problem";
import { seatRoom, seatStreamSource } from "../rooms";
import { refuseOverCap, retryLater, sseResponse, streamOwner } from "../sse";
import { optionalUser } from "../auth";
import { requireEvent } from "../catalog/event-presence";

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

const BestQuery = z
  .object({
    count: z.coerce.number().int().min(1).max(20),
    section: z.string().trim().min(1).max(100).optional(),
    maxPriceCents: z.coerce.number().int().min(0).optional(),
    accessible: z
      .enum(["true", "false"])
      .transform((v) => v === "true")
      .optional()
      .openapi({ type: "string", description: "true: a block with a wheelchair space (and companion seats where there are). Otherwise wheelchair and companion seats are suggested only when nothing else is left" }),
  })
  .strict();
const BestSeats = z.object({ ticketIds: z.array(z.string()), totalCents: z.number().int() }).openapi("BestAvailable");

const StreamQuery = z.object({
  lastEventId: z.string().regex(/^\d{1,15}$/).optional().openapi({ description: "for clients that cannot send the Last-Event-ID header" }),
});

export const seatRoutes = createApp()
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/seats",
      operationId: "getSeatSnapshot",
      security: [],
      summary: "A compact snapshot of every ticket's status",
      request: { params: EventParams },
      responses: {
        200: { description: "the snapshot", content: { "application/json": { schema: SeatSnapshot } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      await requireEvent(c, eventId);
      const snapshot = await seatRoom(c.env, eventId).seats(eventId);
      if (!snapshot) throw notFound(`no event with id ${eventId}`);
      c.header("cache-control", "no-store");
      return c.json({ eventId, ...snapshot }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/best-available",
      operationId: "suggestBestSeats",
      security: [],
      summary: "Suggest N adjacent free seats (one row), in a section or under a price, leaving no single seat stranded when it can",
      request: { params: EventParams, query: BestQuery },
      responses: {
        200: { description: "the suggestion (not a hold)", content: { "application/json": { schema: BestSeats } } },
        ...problemResponses(400, 404, 409),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const query = c.req.valid("query");
      // The detail first: an id that is not an event is a 404 before any room is touched.
      const { body } = await cachedText(c, `events/${eventId}`, () => loadEventDetail(c.var.read(), eventId));
      const detail = JSON.parse(body) as EventStatic;
      if (detail.status === "cancelled") throw new Problem(409, "this event is cancelled; tickets are not sold");
      const snapshot = await seatRoom(c.env, eventId).seats(eventId);
      if (!snapshot) throw notFound(`no event with id ${eventId}`);
      const prices = new Map(detail.prices.map((p) => [p.section, p.minCents]));
      const seats = bestAvailable(detail.venue.seatMap, snapshot.statuses, (s) => prices.get(s), query);
      if (!seats) {
        const what = query.accessible ? `seats together with a wheelchair space` : `seats together`;
        throw new Problem(409, `no ${query.count} ${what} are free${query.section ? ` in ${query.section}` : ""}; try fewer seats or another section`);
      }
      return c.json(
        { ticketIds: seats.map((s) => ticketId(eventId, s)), totalCents: seats.reduce((sum, s) => sum + (priceOfSeat(detail, s) ?? 0), 0) },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/seats/stream",
      operationId: "streamSeatChanges",
      security: optionalBearer,
      summary: "Live seat changes (Server-Sent Events)",
      description:
        "Events: `snapshot` ({eventId, seq, statuses}) first, then `delta` ({from, seq, available[], held[], sold[], blocked[]}: ticket ids by new status) with the seq as the SSE id. Reconnect with Last-Event-ID to get exactly the missed changes, or a fresh snapshot when too far behind. A comment every 25 s keeps the connection open. If the room restarts, the stream ends with a retry hint.",
      request: { params: EventParams, query: StreamQuery },
      responses: {
        200: { description: "an event stream", content: { "text/event-stream": { schema: z.string() } } },
        ...problemResponses(400, 401, 404, 429),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      await requireEvent(c, eventId);
      // Browsers' EventSource sends no token, so anonymous watchers are capped per address; API clients that sign in, per user too.
      const user = await optionalUser(c);
      const url = new URL("https://seat-room/seats/stream");
      url.searchParams.set("eventId", eventId);
      const { lastEventId } = c.req.valid("query");
      const last = c.req.header("last-event-id") ?? lastEventId;
      let upstream: Response;
      try {
        const owner = streamOwner(c, user?.id);
        const source = seatStreamSource(c.env, eventId, owner["x-client-address"] ?? owner["x-user-id"] ?? null);
        upstream = await source.fetch(url, { headers: { ...owner, ...(last ? { "last-event-id": last } : {}) } });
      } catch (error) {
        // The room is restarting: a 200 that ends at once with a retry hint,
        // because EventSource gives up for good on a non-2xx answer.
        log("warn", "seat_stream_unavailable", { requestId: c.var.requestId, eventId, message: String(error) });
        return retryLater();
      }
      if (upstream.status === 404) throw notFound(`no event with id ${eventId}`);
      await refuseOverCap(upstream);
      return sseResponse(upstream.body);
    },
  );

/** The price of a seat: its section's price (prices are set per section). */
function priceOfSeat(detail: EventStatic, seat: number): number | undefined {
  const section = detail.venue.seatMap.sections.find((s) => seat >= s.firstIndex && seat < s.firstIndex + s.count);
  return section ? detail.prices.find((p) => p.section === section.name)?.minCents : undefined;
}
