import { createRoute, z } from "@hono/zod-openapi";
import { type EventDetail as EventDetailBody, EventDetail, EventParams, SeatMapSchema, TicketsQuery, TicketsResponse } from "../../../src/shared/catalog";
import { listTickets, loadEventDetail, seatMapVersion, type EventStatic } from "../catalog/event-detail";
import { seatRoom } from "../rooms";
import { requireEvent } from "../catalog/event-presence";
import { cachedText, jsonFromCache, withLiveFields } from "../edge-cache";
import type { TypedResponse } from "hono";
import { createApp } from "../openapi-app";
import { notFound, problemResponses } from "../problem";

export const eventReads = createApp()
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}",
      operationId: "getEvent",
      security: [],
      summary: "One event with its venue, seat map, performer, prices and availability",
      request: { params: EventParams },
      responses: {
        200: { description: "the event", content: { "application/json": { schema: EventDetail } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      // The static part comes from the edge cache; availability is live, from the room.
      // The detail first: an id that is not an event is a 404 before any room is touched.
      const { body, hit } = await cachedText(c, `events/${eventId}`, () => loadEventDetail(c.var.read(), eventId));
      const live = await seatRoom(c.env, eventId).availability(eventId);
      if (!live) throw notFound(`no event with id ${eventId}`);
      const { seq: _seq, ...availability } = live;
      return jsonFromCache<EventDetailBody>(withLiveFields(body, { availability }), hit);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/tickets",
      operationId: "listEventTickets",
      security: [],
      summary: "An event's tickets in seat order, optionally by status or section",
      request: { params: EventParams, query: TicketsQuery },
      responses: {
        200: { description: "a page of tickets", content: { "application/json": { schema: TicketsResponse } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      await requireEvent(c, eventId);
      const taken = await seatRoom(c.env, eventId).takenSeats(eventId);
      return c.json(await listTickets(c.var.read(), eventId, taken, c.req.valid("query")), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/seat-map",
      operationId: "getSeatMap",
      security: [],
      summary: "The event's seat map alone (sections, rows, seat positions, stage): what its page draws",
      description:
        "With `v` equal to the event's current seat-map version (the event page links it so), the answer never changes: it is cached for a year by browsers and the edge, so a fan reloading a hot on-sale's page downloads a stadium's map once. Without it, or with an old one, the answer is the current map and must be revalidated.",
      request: { params: EventParams, query: z.object({ v: z.string().regex(/^\d{1,15}$/).optional() }).strict() },
      responses: {
        200: { description: "the seat map", content: { "application/json": { schema: SeatMapSchema } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const { v } = c.req.valid("query");
      // One entry per event and version: a version names one map for ever (venues' maps never change; a new venue is a new version).
      const key = `https://seat-maps.internal/${eventId}/${v ?? "current"}`;
      const stored = v ? await caches.default.match(key) : undefined;
      // A copy: a cached response's headers are immutable, and the middleware adds its own.
      if (stored) return new Response(stored.body, stored) as unknown as TypedResponse<z.infer<typeof SeatMapSchema>, 200, "json">;
      const { body } = await cachedText(c, `events/${eventId}`, () => loadEventDetail(c.var.read(), eventId));
      const detail = JSON.parse(body) as EventStatic;
      const lasting = v !== undefined && v === seatMapVersion(detail);
      const response = new Response(JSON.stringify(detail.venue.seatMap), {
        headers: { "content-type": "application/json", "cache-control": lasting ? "public, max-age=31536000, immutable" : "no-cache" },
      });
      if (lasting) c.executionCtx.waitUntil(caches.default.put(key, response.clone()));
      return response as unknown as TypedResponse<z.infer<typeof SeatMapSchema>, 200, "json">;
    },
  );
