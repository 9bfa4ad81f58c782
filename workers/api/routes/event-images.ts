/**
 * An event's image, for its organizers: upload (the raw bytes, PUT) and
 * remove (DELETE). The event is loaded through tenancy (another org's event
 * is a 404, as a missing one); the work is ../images/event-image.ts. The
 * images themselves are served at /images/… (../images/image-delivery.ts),
 * outside the API.
 */
import { createRoute } from "@hono/zod-openapi";
import { EventParams } from "../../../src/shared/catalog";
import { EventImageView, ImageUploadBody } from "../../../src/shared/image-schemas";
import { requireOrganizer, requireUser } from "../auth";
import { ownedEvent } from "../catalog/tenancy";
import { removeEventImage, replaceEventImage } from "../images/event-image";
import { bearer, createApp } from "../openapi-app";
import { problemResponses } from "../problem";
import { limitByUser } from "../rate-limits";

// Like every catalog write: it changes the edge cache's version for every reader.
const organizer = [requireUser, requireOrganizer, limitByUser("catalog")];
const answer = { description: "the event's image now", content: { "application/json": { schema: EventImageView } } };

export const eventImageRoutes = createApp()
  .openapi(
    createRoute({
      method: "put",
      path: "/events/{eventId}/image",
      operationId: "uploadEventImage",
      summary: "Upload the event's image (JPEG, PNG or WebP), replacing the one it had; search and event pages show it on the next read",
      security: bearer,
      middleware: organizer,
      request: { params: EventParams, body: ImageUploadBody },
      responses: { 200: answer, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429) },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      return c.json(await replaceEventImage(c, await ownedEvent(c, eventId)), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/events/{eventId}/image",
      operationId: "removeEventImage",
      summary: "Remove the event's image: its type's generated art shows again",
      security: bearer,
      middleware: organizer,
      request: { params: EventParams },
      responses: { 200: answer, ...problemResponses(400, 401, 403, 404, 429) },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      return c.json(await removeEventImage(c, await ownedEvent(c, eventId)), 200);
    },
  );
