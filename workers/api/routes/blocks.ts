/**
 * The box office: an organizer takes seats off sale (production holds,
 * camera positions, VIPs) and puts them back. The event's SeatRoom owns
 * blocks as it owns holds; these routes check the org and shape the answer,
 * and the operations (ops/operations.ts) audit each change.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { EventParams } from "../../../src/shared/catalog";
import { parseTicketId, ticketId } from "../../../src/shared/ids";
import { type Block, BlockCreate, BlockParams, BlockView } from "../../../src/shared/organizer";
import type { BlockRecord } from "../../../src/shared/room-protocol";
import { requireOrganizer, requireUser } from "../auth";
import { ownedEvent } from "../catalog/tenancy";
import { bearer, createApp } from "../openapi-app";
import { blockSeats, releaseBlock } from "../ops/operations";
import { badRequest, problemResponses } from "../problem";
import { limitByUser } from "../rate-limits";
import { seatRoom } from "../rooms";

const organizer = [requireUser, requireOrganizer, limitByUser("catalog")];

const view = (eventId: string, block: BlockRecord): Block => ({
  blockId: block.id,
  ticketIds: block.seats.map((s) => ticketId(eventId, s)),
  reason: block.reason,
  createdBy: block.createdBy,
  createdAt: new Date(block.createdAt).toISOString(),
});

/** The seat indexes of ticket ids that must all be this event's. */
export function seatsOf(eventId: string, ticketIds: string[]): number[] {
  return ticketIds.map((id) => {
    const parsed = parseTicketId(id);
    if (!parsed || parsed.eventId !== eventId) throw badRequest(`ticketIds: ${id} is not a ticket of event ${eventId}`);
    return parsed.seatIndex;
  });
}

export const blockRoutes = createApp()
  .openapi(
    createRoute({
      method: "post",
      path: "/events/{eventId}/blocks",
      operationId: "blockSeats",
      summary: "Take seats off sale (all or none); refused with the seats that are sold, held or blocked already",
      security: bearer,
      middleware: organizer,
      request: { params: EventParams, body: { content: { "application/json": { schema: BlockCreate } }, required: true } },
      responses: {
        201: { description: "blocked", content: { "application/json": { schema: BlockView } } },
        ...problemResponses(400, 401, 403, 404, 409, 429),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const { ticketIds, reason } = c.req.valid("json");
      const event = await ownedEvent(c, eventId);
      const block = await blockSeats(c, event, { seats: seatsOf(eventId, ticketIds), reason });
      return c.json(view(eventId, block), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/blocks",
      operationId: "listBlocks",
      summary: "The event's blocks, oldest first",
      security: bearer,
      middleware: [requireUser, requireOrganizer],
      request: { params: EventParams },
      responses: {
        200: { description: "blocks", content: { "application/json": { schema: z.object({ blocks: z.array(BlockView) }) } } },
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      await ownedEvent(c, eventId);
      const blocks = await seatRoom(c.env, eventId).blocks(eventId);
      return c.json({ blocks: blocks.map((b) => view(eventId, b)) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/events/{eventId}/blocks/{blockId}",
      operationId: "releaseBlock",
      summary: "Release a block: its seats are on sale again at once",
      security: bearer,
      middleware: organizer,
      request: { params: BlockParams },
      responses: {
        200: { description: "released", content: { "application/json": { schema: z.object({ blockId: z.string(), released: z.array(z.string()) }) } } },
        ...problemResponses(400, 401, 403, 404, 429),
      },
    }),
    async (c) => {
      const { eventId, blockId } = c.req.valid("param");
      const event = await ownedEvent(c, eventId);
      const released = await releaseBlock(c, event, blockId);
      return c.json({ blockId, released: released.map((s) => ticketId(eventId, s)) }, 200);
    },
  );
