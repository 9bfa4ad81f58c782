/**
 * The waiting room, as fans and auditors see it. Queue tickets are verified
 * here (signature, user, event, expiry); the QueueRoom decides places (one
 * per fan) and admission. Ids that are not queue-enabled events are turned
 * away from the edge cache before any room is touched.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { EventParams } from "../../../src/shared/catalog";
import { log } from "../../../src/shared/log";
import { signTicket, verifyTicket, type QueueTicket } from "../../../src/shared/queue";
import { positionBody, QUEUE_END_REASONS, QUEUE_STATES } from "../../../src/shared/room-protocol";
import { requireQueuedEvent } from "../catalog/event-presence";
import { enforce, limitByAddress, limitByUser } from "../rate-limits";
import { verifyTurnstile } from "../turnstile";
import { requireUser } from "../auth";
import { bearer, createApp } from "../openapi-app";
import { notFound, Problem, problemResponses } from "../problem";
import { refuseOverCap, retryLater, sseResponse, streamOwner } from "../sse";

const Position = z
  .object({
    state: z.enum(QUEUE_STATES).openapi({
      description:
        "waiting (in line, or before the sale with `opensAt`), admitted (your turn), ended (your session ended: booked, released, lapsed or cancelled; join again to queue at the back), paused (admission paused), closed (the queue is closed)",
    }),
    position: z.number().int().nullable().openapi({ description: "1 is next; null before the lottery is drawn" }),
    ahead: z.number().int().nullable(),
    etaSeconds: z.number().int(),
    opensAt: z.string().optional(),
    soldOut: z.boolean().optional().openapi({ description: "no seats are free now; seats that come back go to the fans in line" }),
    reason: z.enum(QUEUE_END_REASONS).optional().openapi({ description: "why an ended place ended" }),
  })
  .openapi("QueuePosition");

const Joined = Position.extend({ queueTicket: z.string() }).openapi("QueueJoined");
const Status = Position.extend({
  admissionToken: z.string().optional().openapi({ description: "send as X-Admission-Token to reserve" }),
  expiresAt: z.string().optional(),
}).openapi("QueueStatus");

const TicketQuery = z.object({ ticket: z.string().min(1).max(2_000).openapi({ description: "the queueTicket from joining" }) });

const queueRoom = (env: Env, eventId: string) => env.QUEUE_ROOM.getByName(eventId);

/** The ticket's holder and place, counted against the holder's polling limit. */
async function ticketOf(env: Env, token: string, eventId: string): Promise<QueueTicket> {
  const ticket = await verifyTicket(env, token, undefined, eventId);
  if (!ticket) throw new Problem(403, "this queue ticket is not valid for this event (forged, expired, or for another event)");
  await enforce(env, "account", `queue-status:${ticket.userId}`);
  return ticket;
}

export const queueRoutes = createApp()
  .openapi(
    createRoute({
      method: "post",
      path: "/events/{eventId}/queue",
      operationId: "joinQueue",
      summary: "Join the waiting room of a queue-enabled event",
      description:
        "A fan has one place per event: joining again (another tab or device) returns the same place. Fans who join before the on-sale time are put in random order when it opens (one lottery draw per fan); later fans are first come, first served; a fan whose session ended joins at the back. With a bot check configured, send the Turnstile token as X-Turnstile-Token.",
      security: bearer,
      middleware: [limitByAddress("queue"), requireUser, limitByUser("queue")],
      request: {
        params: EventParams,
        headers: z.object({ "x-turnstile-token": z.string().max(2_048).optional().openapi({ description: "the Turnstile widget's token, when the bot check is on" }) }),
      },
      responses: {
        201: { description: "your place", content: { "application/json": { schema: Joined } } },
        ...problemResponses(400, 401, 403, 404, 409, 429),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const userId = c.var.user.id;
      await requireQueuedEvent(c, eventId);
      await verifyTurnstile(c, c.req.valid("header")["x-turnstile-token"]);
      const outcome = await queueRoom(c.env, eventId).join(eventId, userId);
      if (outcome.kind === "rejected") throw new Problem(outcome.status, outcome.detail);
      const queueTicket = await signTicket(c.env, { userId, eventId, place: outcome.place });
      log("info", "queue_joined", { requestId: c.var.requestId, eventId, userId, kind: outcome.place.kind });
      return c.json({ queueTicket, ...positionBody(outcome.view) }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/events/{eventId}/queue",
      operationId: "leaveQueue",
      summary: "Leave the waiting room (your place ends; joining again puts you at the back)",
      security: bearer,
      middleware: [limitByAddress("queue"), requireUser, limitByUser("queue")],
      request: { params: EventParams },
      responses: {
        204: { description: "you left the line" },
        ...problemResponses(400, 401, 404, 409, 429),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      await requireQueuedEvent(c, eventId);
      const outcome = await queueRoom(c.env, eventId).leave(eventId, c.var.user.id, "cancelled", { requestId: c.var.requestId });
      if (outcome.kind === "rejected") throw new Problem(outcome.status, outcome.detail);
      if (outcome.kind === "not-in-line") throw notFound("you are not in this event's waiting room");
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/queue/status",
      operationId: "getQueueStatus",
      security: [],
      summary: "Your place in the waiting room; once admitted, your admission token",
      request: { params: EventParams, query: TicketQuery },
      responses: {
        200: { description: "where you stand", content: { "application/json": { schema: Status } } },
        ...problemResponses(400, 403, 404, 409, 429),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const ticket = await ticketOf(c.env, c.req.valid("query").ticket, eventId);
      await requireQueuedEvent(c, eventId);
      const outcome = await queueRoom(c.env, eventId).status(eventId, ticket.userId, ticket.place, { requestId: c.var.requestId });
      if (outcome.kind === "rejected") throw new Problem(outcome.status, outcome.detail);
      if (outcome.kind === "admitted") {
        return c.json(
          { state: "admitted" as const, position: 0, ahead: 0, etaSeconds: 0, admissionToken: outcome.token, expiresAt: new Date(outcome.expiresAt).toISOString() },
          200,
        );
      }
      return c.json(positionBody(outcome.view), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/queue/stream",
      operationId: "streamQueuePosition",
      security: [],
      summary: "Your place in the waiting room, live (Server-Sent Events)",
      description:
        "`position` events ({state, position, ahead, etaSeconds}) on every admission tick, then `admitted` ({admissionToken, expiresAt}) and the end of the stream; an ended place or a closed queue ends it too. One stream per place in line (a second one is a 429: poll the status instead).",
      request: { params: EventParams, query: TicketQuery },
      responses: {
        200: { description: "an event stream", content: { "text/event-stream": { schema: z.string() } } },
        ...problemResponses(400, 403, 404, 409, 429),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const ticket = await ticketOf(c.env, c.req.valid("query").ticket, eventId);
      await requireQueuedEvent(c, eventId);
      const url = new URL("https://queue-room/stream");
      url.searchParams.set("eventId", eventId);
      let upstream: Response;
      try {
        upstream = await queueRoom(c.env, eventId).fetch(url, {
          headers: { ...streamOwner(c, ticket.userId), "x-place": JSON.stringify(ticket.place) },
        });
      } catch (error) {
        log("warn", "queue_stream_unavailable", { requestId: c.var.requestId, eventId, message: String(error) });
        return retryLater();
      }
      if (upstream.status === 404) throw notFound("this event has no waiting room");
      await refuseOverCap(upstream);
      return sseResponse(upstream.body);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/queue/draw",
      operationId: "getQueueDraw",
      security: [],
      summary: "The lottery's audit record: the seed's hash, and the seed once the sale has opened",
      request: { params: EventParams },
      responses: {
        200: {
          description: "the draw",
          content: {
            "application/json": {
              schema: z
                .object({
                  seedHash: z.string(),
                  seed: z.string().nullable(),
                  opened: z.boolean(),
                  earlyCount: z.number().int(),
                  lateCount: z.number().int(),
                  admittedTotal: z.number().int(),
                  rank: z.string(),
                })
                .openapi("QueueDraw"),
            },
          },
        },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      await requireQueuedEvent(c, eventId, 404);
      const draw = await queueRoom(c.env, eventId).draw(eventId);
      if (!draw) throw notFound("this event has no waiting room");
      return c.json(draw, 200);
    },
  );
