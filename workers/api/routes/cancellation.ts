/**
 * Cancelling an event: sales stop at once (the event is marked cancelled,
 * its SeatRoom refuses every hold and ends the open ones, whose payments are
 * cancelled; its waiting room closes), then a durable job refunds every
 * booking (`cancellation/workflow.ts`), watched by the event's SeatRoom
 * until it is done. Asking again is harmless: it answers where the
 * cancellation stands.
 */
import { createRoute } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { beginCancellation, cancellationProgress, startCancellationJob } from "../../../src/lifecycle/cancellation";
import { EventParams } from "../../../src/shared/catalog";
import { events } from "../../../src/shared/db-schema";
import { log } from "../../../src/shared/log";
import { CancellationView, CancelRequest } from "../../../src/shared/organizer";
import { requireOrganizer, requireUser } from "../auth";
import { ownedEvent } from "../catalog/tenancy";
import { invalidateCatalog } from "../edge-cache";
import { bearer, createApp } from "../openapi-app";
import { notFound, problemResponses } from "../problem";
import { limitByUser } from "../rate-limits";
import { audited } from "../ops/audit";
import { seatRoom } from "../rooms";

export const cancellationRoutes = createApp()
  .openapi(
    createRoute({
      method: "post",
      path: "/events/{eventId}/cancel",
      operationId: "cancelEvent",
      summary: "Cancel an event: sales stop at once, then every booking is refunded by a durable job",
      security: bearer,
      middleware: [requireUser, requireOrganizer, limitByUser("catalog")],
      request: { params: EventParams, body: { content: { "application/json": { schema: CancelRequest } }, required: true } },
      responses: {
        202: { description: "cancelling (or where an earlier cancellation stands)", content: { "application/json": { schema: CancellationView } } },
        ...problemResponses(400, 401, 403, 404, 429),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const { reason } = c.req.valid("json");
      const owned = await ownedEvent(c, eventId);
      const progress = await audited(c.var.db, owned, { userId: c.var.user.id, requestId: c.var.requestId }, "event_cancelled", reason, async () => {
        const db = c.var.db();
        const { row, created } = await beginCancellation(db, { eventId, reason, requestedBy: c.var.user.id });
        await invalidateCatalog();
        // The room refuses holds and ends the open ones; its alarm watches the job from now on.
        await seatRoom(c.env, eventId).catalogChanged(eventId);
        // The queue as the cancellation left it: a change committed just before may have turned it on.
        const [event] = await db.select({ queue: events.queue, onSaleAt: events.onSaleAt }).from(events).where(eq(events.id, eventId));
        if (event?.queue.enabled) {
          await c.env.QUEUE_ROOM.getByName(eventId).configure(eventId, { ...event.queue, closed: true }, event.onSaleAt?.getTime() ?? null);
        }
        if (created) {
          await startCancellationJob(c.env, { eventId, generation: row.generation, reason: row.reason });
          log("info", "event_cancelled", { requestId: c.var.requestId, eventId, userId: c.var.user.id });
        }
        const now = await cancellationProgress(db, eventId);
        if (!now) throw new Error(`event ${eventId} has no cancellation after writing one`);
        return { before: { status: owned.status }, after: { status: "cancelled", started: created }, result: now };
      });
      return c.json(progress, 202);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/cancellation",
      operationId: "getEventCancellation",
      summary: "Where an event's cancellation stands: bookings refunded, failed, and whether it is done",
      security: bearer,
      middleware: [requireUser, requireOrganizer],
      request: { params: EventParams },
      responses: {
        200: { description: "the cancellation", content: { "application/json": { schema: CancellationView } } },
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      await ownedEvent(c, eventId);
      const progress = await cancellationProgress(c.var.db(), eventId);
      if (!progress) throw notFound("this event is not cancelled");
      return c.json(progress, 200);
    },
  );
