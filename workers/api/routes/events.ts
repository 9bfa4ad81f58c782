import { createRoute } from "@hono/zod-openapi";
import { EventDetail, EventParams, TicketsQuery, TicketsResponse } from "../../../src/shared/catalog";
import { listTickets, loadEventDetail } from "../catalog/event-detail";
import { cachedJson } from "../edge-cache";
import { createApp } from "../openapi-app";
import { problemResponses } from "../problem";

export const eventReads = createApp()
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}",
      summary: "One event with its venue, seat map, performer, prices and availability",
      request: { params: EventParams },
      responses: {
        200: { description: "the event", content: { "application/json": { schema: EventDetail } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      return cachedJson(c, `events/${eventId}`, () => loadEventDetail(c.var.db(), eventId));
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/tickets",
      summary: "An event's tickets in seat order, optionally by status or section",
      request: { params: EventParams, query: TicketsQuery },
      responses: {
        200: { description: "a page of tickets", content: { "application/json": { schema: TicketsResponse } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      return c.json(await listTickets(c.var.db(), eventId, c.req.valid("query")), 200);
    },
  );
