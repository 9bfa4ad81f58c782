import { createRoute, z } from "@hono/zod-openapi";
import {
  Created,
  EventCreate,
  EventCreated,
  EventParams,
  EventPatch,
  PerformerCreate,
  VenueCreate,
} from "../../../src/shared/catalog";
import { log } from "../../../src/shared/log";
import { requireOrganizer, requireUser } from "../auth";
import { acting, joinOrganization, ownedEvent } from "../catalog/tenancy";
import { organizerQuotas } from "../catalog/quotas";
import { limitByUser } from "../rate-limits";
import { createEvent, createPerformer, createVenue } from "../catalog/writes";
import { changeEvent } from "../ops/operations";
import { invalidateCatalog } from "../edge-cache";
import { bearer, createApp, json } from "../openapi-app";
import { problemResponses } from "../problem";

// Catalog writes change the edge cache's version for every reader: counted per organizer.
const organizer = [requireUser, requireOrganizer, limitByUser("catalog")];
const writeProblems = problemResponses(400, 401, 403, 422, 429);

/** The acting org, whose row exists before anything is written for it. */
async function writer(c: { var: { user: Parameters<typeof acting>[0]; db: () => Parameters<typeof joinOrganization>[0] } }) {
  const who = acting(c.var.user);
  await joinOrganization(c.var.db(), who);
  return who;
}

export const organizerRoutes = createApp()
  .openapi(
    createRoute({
      method: "post",
      path: "/venues",
      operationId: "createVenue",
      summary: "Create a venue and its seat map",
      security: bearer,
      middleware: organizer,
      request: { body: json(VenueCreate) },
      responses: {
        201: {
          description: "created",
          content: { "application/json": { schema: Created.extend({ capacity: EventCreated.shape.ticketCount, sections: z.array(z.string()) }) } },
        },
        ...writeProblems,
      },
    }),
    async (c) => {
      const who = await writer(c);
      const venue = await createVenue(c.var.db(), c.req.valid("json"), { orgId: who.org, quotas: organizerQuotas(c.env) });
      log("info", "venue_created", { requestId: c.var.requestId, venueId: venue.id, userId: c.var.user.id, org: who.org, capacity: venue.capacity });
      return c.json(venue, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/performers",
      operationId: "createPerformer",
      summary: "Create a performer",
      security: bearer,
      middleware: organizer,
      request: { body: json(PerformerCreate) },
      responses: { 201: { description: "created", content: { "application/json": { schema: Created } } }, ...writeProblems },
    }),
    async (c) => {
      const who = await writer(c);
      const performer = await createPerformer(c.var.db(), c.req.valid("json"), who.org);
      log("info", "performer_created", { requestId: c.var.requestId, performerId: performer.id, userId: c.var.user.id, org: who.org });
      return c.json(performer, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/events",
      operationId: "createEvent",
      summary: "Create an event and one ticket per place of its venue",
      security: bearer,
      middleware: organizer,
      request: { body: json(EventCreate) },
      responses: { 201: { description: "created", content: { "application/json": { schema: EventCreated } } }, ...writeProblems },
    }),
    async (c) => {
      const who = await writer(c);
      const event = await createEvent(c.var.db(), c.req.valid("json"), { orgId: who.org, organizer: { userId: who.userId, quotas: organizerQuotas(c.env) } });
      await invalidateCatalog();
      log("info", "event_created", { requestId: c.var.requestId, eventId: event.id, userId: c.var.user.id, org: who.org, tickets: event.ticketCount });
      return c.json(event, 201);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/events/{eventId}",
      operationId: "updateEvent",
      summary: "Change an event; the change is visible on the next read",
      security: bearer,
      middleware: organizer,
      request: { params: EventParams, body: json(EventPatch) },
      responses: {
        200: { description: "changed", content: { "application/json": { schema: Created } } },
        ...problemResponses(400, 401, 403, 404, 409, 422, 429),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const patch = c.req.valid("json");
      await changeEvent(c, await ownedEvent(c, eventId), patch);
      return c.json({ id: eventId }, 200);
    },
  );
