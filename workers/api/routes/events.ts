import { createRoute } from "@hono/zod-openapi";
import { type EventDetail as EventDetailBody, EventDetail, EventParams, TicketsQuery, TicketsResponse } from "../../../src/shared/catalog";
import { listTickets, loadEventDetail } from "../catalog/event-detail";
import { seatRoom } from "../rooms";
import { requireEvent } from "../catalog/event-presence";
import { cachedText, jsonFromCache, withLiveFields } from "../edge-cache";
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
  );
