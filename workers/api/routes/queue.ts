/**
 * The waiting room, as fans and auditors see it. Queue tickets are verified
 * here (signature, user, event, expiry); the QueueRoom keeps only counters.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { EventParams } from "../../../src/shared/catalog";
import { log } from "../../../src/shared/log";
import { signTicket, verifyTicket, type QueueTicket } from "../../../src/shared/queue";
import { positionBody } from "../../../src/shared/room-protocol";
import { requireUser } from "../auth";
import { bearer, createApp } from "../openapi-app";
import { notFound, Problem, problemResponses } from "../problem";
import { endsCleanly, retryLater, sseResponse } from "../sse";

const QUEUE_STATES = ["before-sale", "waiting", "admissible", "admitted", "sold-out"] as const;

const Position = z
  .object({
    state: z.enum(QUEUE_STATES),
    position: z.number().int().nullable().openapi({ description: "1 is next; null before the lottery is drawn" }),
    ahead: z.number().int().nullable(),
    etaSeconds: z.number().int(),
    opensAt: z.string().optional(),
  })
  .openapi("QueuePosition");

const Joined = Position.extend({ queueTicket: z.string() }).openapi("QueueJoined");
const Status = Position.extend({
  admissionToken: z.string().optional().openapi({ description: "send as X-Admission-Token to reserve" }),
  expiresAt: z.string().optional(),
}).openapi("QueueStatus");

const TicketQuery = z.object({ ticket: z.string().min(1).max(2_000).openapi({ description: "the queueTicket from joining" }) });

const queueRoom = (env: Env, eventId: string) => env.QUEUE_ROOM.getByName(eventId);

async function ticketOf(env: Env, token: string, eventId: string): Promise<QueueTicket> {
  const ticket = await verifyTicket(env, token, undefined, eventId);
  if (!ticket) throw new Problem(403, "this queue ticket is not valid for this event (forged, expired, or for another event)");
  return ticket;
}

export const queueRoutes = createApp()
  .openapi(
    createRoute({
      method: "post",
      path: "/events/{eventId}/queue",
      summary: "Join the waiting room of a queue-enabled event",
      description:
        "Fans who join before the on-sale time are put in random order when it opens; later fans are first come, first served. Send your existing ticket as X-Queue-Ticket to keep your place.",
      security: bearer,
      middleware: [requireUser],
      request: {
        params: EventParams,
        headers: z.object({ "x-queue-ticket": z.string().max(2_000).optional() }),
      },
      responses: {
        201: { description: "your place", content: { "application/json": { schema: Joined } } },
        ...problemResponses(400, 401, 404, 409),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const userId = c.var.user.id;
      const presented = c.req.valid("header")["x-queue-ticket"];
      const existing = presented ? await verifyTicket(c.env, presented, userId, eventId) : undefined;
      const outcome = await queueRoom(c.env, eventId).join(eventId, userId, existing?.place ?? null);
      if (outcome.kind === "rejected") throw new Problem(outcome.status, outcome.detail);
      const queueTicket = existing && presented ? presented : await signTicket(c.env, { userId, eventId, place: outcome.place });
      log("info", "queue_joined", { requestId: c.var.requestId, eventId, userId, kind: outcome.place.kind, rejoined: existing !== undefined });
      return c.json({ queueTicket, ...positionBody(outcome.view) }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/queue/status",
      summary: "Your place in the waiting room; once admitted, your admission token",
      request: { params: EventParams, query: TicketQuery },
      responses: {
        200: { description: "where you stand", content: { "application/json": { schema: Status } } },
        ...problemResponses(400, 403, 409),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const ticket = await ticketOf(c.env, c.req.valid("query").ticket, eventId);
      const outcome = await queueRoom(c.env, eventId).status(eventId, ticket.userId, ticket.place);
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
      summary: "Your place in the waiting room, live (Server-Sent Events)",
      description: "`position` events ({state, position, ahead, etaSeconds}) on every admission tick, then `admitted` ({admissionToken, expiresAt}) and the end of the stream.",
      request: { params: EventParams, query: TicketQuery },
      responses: {
        200: { description: "an event stream", content: { "text/event-stream": { schema: z.string() } } },
        ...problemResponses(400, 403, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const ticket = await ticketOf(c.env, c.req.valid("query").ticket, eventId);
      const url = new URL("https://queue-room/stream");
      url.searchParams.set("eventId", eventId);
      let upstream: Response;
      try {
        upstream = await queueRoom(c.env, eventId).fetch(url, {
          headers: { "x-user-id": ticket.userId, "x-place": JSON.stringify(ticket.place) },
        });
      } catch (error) {
        log("warn", "queue_stream_unavailable", { requestId: c.var.requestId, eventId, message: String(error) });
        return retryLater();
      }
      if (upstream.status === 404) throw notFound("this event has no waiting room");
      return sseResponse(endsCleanly(upstream.body));
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/queue/draw",
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
      const draw = await queueRoom(c.env, eventId).draw(eventId);
      if (!draw) throw notFound("this event has no waiting room");
      return c.json(draw, 200);
    },
  );
