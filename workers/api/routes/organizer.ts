import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import {
  Created,
  EventCreate,
  EventCreated,
  EventParams,
  EventPatch,
  PerformerCreate,
  VenueCreate,
} from "../../../src/shared/catalog";
import { events } from "../../../src/shared/db-schema";
import { log } from "../../../src/shared/log";
import { requireOrganizer, requireUser } from "../auth";
import { acting, joinOrganization, ownedEvent } from "../catalog/tenancy";
import { organizerQuotas } from "../catalog/quotas";
import { limitByUser } from "../rate-limits";
import { createEvent, createPerformer, createVenue, patchEvent } from "../catalog/writes";
import { seatRoom } from "../rooms";
import { invalidateCatalog } from "../edge-cache";
import { bearer, createApp } from "../openapi-app";
import { Problem, problemResponses } from "../problem";

// Catalog writes change the edge cache's version for every reader: counted per organizer.
const organizer = [requireUser, requireOrganizer, limitByUser("catalog")];
const json = <T>(schema: T) => ({ content: { "application/json": { schema } }, required: true });
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
      const current = await ownedEvent(c, eventId);
      if (current.status === "cancelled") throw new Problem(409, "this event is cancelled; it can no longer change");
      if (patch.venueId !== undefined) {
        // Seat indexes mean other seats in another venue: not while fans hold any.
        const live = await seatRoom(c.env, eventId).availability(eventId);
        if (live && live.held > 0) throw new Problem(409, "fans are holding seats of this event; the venue cannot change while they do");
        if (live && live.blocked > 0) throw new Problem(409, "seats of this event are blocked; release the blocks before changing the venue");
      }
      const event = await patchEvent(c.var.db(), current, patch, organizerQuotas(c.env));
      await invalidateCatalog();
      await seatRoom(c.env, eventId).catalogChanged(eventId);
      if (patch.queue || (patch.onSaleAt !== undefined && event.queue.enabled)) {
        const queueRoom = c.env.QUEUE_ROOM.getByName(eventId);
        await queueRoom.configure(eventId, event.queue, event.onSaleAt?.getTime() ?? null);
        // A cancellation that committed after this change may have closed the queue before the line
        // above reopened it: looked at afterwards, so the waiting room ends closed in either order.
        const [now] = await c.var.db().select({ status: events.status, queue: events.queue }).from(events).where(eq(events.id, eventId));
        if (now?.status === "cancelled") await queueRoom.configure(eventId, { ...now.queue, closed: true }, event.onSaleAt?.getTime() ?? null);
      }
      log("info", "event_changed", { requestId: c.var.requestId, eventId, userId: c.var.user.id });
      return c.json({ id: eventId }, 200);
    },
  );
