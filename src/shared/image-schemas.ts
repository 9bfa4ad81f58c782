/**
 * Zod schemas of the event image API (PUT and DELETE
 * /api/events/{eventId}/image): the answer's type is what the dashboard's
 * image panel reads (`import type`). The URL scheme itself is
 * ./image-urls.ts, which the browser may import.
 */
import { z } from "@hono/zod-openapi";
import { IMAGE_TYPES, type ImageType } from "./image-urls";

const IMAGE_TYPE_LIST = Object.keys(IMAGE_TYPES) as [ImageType, ...ImageType[]];

export const EventImageView = z
  .object({
    eventId: z.string(),
    imageUrl: z.string().openapi({
      description: "the picture fans see, a path on this site: the upload (`/images/events/…`, immutable, cached for a year), else the event type's generated art (`/images/art/…`)",
      example: "/images/events/ev_0123456789abcdef/9f86d081884c7d659a2feaa0c55ad015.jpg",
    }),
    uploaded: z.boolean().openapi({ description: "whether the event has an image of its own" }),
    image: z
      .object({
        contentType: z.enum(IMAGE_TYPE_LIST),
        width: z.number().int(),
        height: z.number().int(),
        bytes: z.number().int(),
      })
      .nullable()
      .openapi({ description: "the upload as stored (null after a removal)" }),
  })
  .openapi("EventImage");
export type EventImageView = z.infer<typeof EventImageView>;

/** The raw bytes of an upload, as the OpenAPI document describes its request body. */
export const ImageUploadBody = {
  required: true,
  description: "the image's bytes (at most 2 MiB; each side 64 to 8,000 pixels, at most 4:1); the content-type must be the one the bytes are",
  content: Object.fromEntries(IMAGE_TYPE_LIST.map((type) => [type, { schema: z.string().openapi({ format: "binary" }) }])),
};
