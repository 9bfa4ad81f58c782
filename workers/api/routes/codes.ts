/**
 * An event's presale and promo codes, for its organizers: create, list
 * (with the uses the event's room counts) and change or disable. Fans
 * apply a code when they reserve (routes/booking.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { EventParams } from "../../../src/shared/catalog";
import { CodeCreate, CodeParams, CodePatch, CodeView } from "../../../src/shared/codes";
import { log } from "../../../src/shared/log";
import { requireOrganizer, requireUser } from "../auth";
import { codeView, createCode, listCodes, patchCode, type CodeUses } from "../catalog/codes";
import { ownedEvent } from "../catalog/tenancy";
import { bearer, createApp, json } from "../openapi-app";
import { problemResponses } from "../problem";
import { limitByUser } from "../rate-limits";
import { seatRoom } from "../rooms";
import type { AppEnv } from "../env";
import type { Context } from "hono";

const organizer = [requireUser, requireOrganizer, limitByUser("catalog")];
const CodeList = z.object({ codes: z.array(CodeView) }).openapi("CodeList");

/** The room's counts, or null when it cannot be asked (the list still answers). */
async function usesOf(c: Context<AppEnv>, eventId: string): Promise<CodeUses | null> {
  try {
    return await seatRoom(c.env, eventId).codeUsage(eventId);
  } catch (error) {
    log("warn", "code_uses_unavailable", { eventId, message: String(error) });
    return null;
  }
}

export const codeRoutes = createApp()
  .openapi(
    createRoute({
      method: "post",
      path: "/events/{eventId}/codes",
      operationId: "createCode",
      summary: "Create a presale or promo code",
      security: bearer,
      middleware: organizer,
      request: { params: EventParams, body: json(CodeCreate) },
      responses: {
        201: { description: "the code", content: { "application/json": { schema: CodeView } } },
        ...problemResponses(400, 401, 403, 404, 409, 429),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      await ownedEvent(c, eventId);
      const row = await createCode(c.var.db(), eventId, c.req.valid("json"), c.var.user.id);
      await seatRoom(c.env, eventId).catalogChanged(eventId);
      return c.json(codeView(row, { [row.id]: { reserved: 0, spent: 0 } }), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/codes",
      operationId: "listCodes",
      summary: "The event's codes, oldest first, with their uses",
      security: bearer,
      middleware: [requireUser, requireOrganizer],
      request: { params: EventParams },
      responses: { 200: { description: "codes", content: { "application/json": { schema: CodeList } } }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      await ownedEvent(c, eventId);
      const [rows, uses] = await Promise.all([listCodes(c.var.db(), eventId), usesOf(c, eventId)]);
      return c.json({ codes: rows.map((r) => codeView(r, uses)) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/events/{eventId}/codes/{codeId}",
      operationId: "changeCode",
      summary: "Change a code's use limit or window, or disable it (holds made with it keep their price)",
      security: bearer,
      middleware: organizer,
      request: { params: CodeParams, body: json(CodePatch) },
      responses: {
        200: { description: "the code as it now is", content: { "application/json": { schema: CodeView } } },
        ...problemResponses(400, 401, 403, 404, 429),
      },
    }),
    async (c) => {
      const { eventId, codeId } = c.req.valid("param");
      await ownedEvent(c, eventId);
      const row = await patchCode(c.var.db(), eventId, codeId, c.req.valid("json"));
      await seatRoom(c.env, eventId).catalogChanged(eventId);
      return c.json(codeView(row, await usesOf(c, eventId)), 200);
    },
  );
