/**
 * Changing an event's image: the organizer's upload is checked
 * (image-format.ts), stored in R2 under a key made of its content's hash,
 * and only then named by the event's row; the object it replaces is deleted
 * last. So a stored row never names a missing object except for the moment
 * between a delete and the next read of a cached page (the edge cache is
 * invalidated before the answer, as for every catalog write).
 *
 * The row's key is swapped in one statement that also returns the key it
 * held (`update … from (select … for update)`), so two uploads racing for one
 * event each delete exactly the object they replaced, and none is left
 * behind. Each change is audited like the event's other changes.
 */
import type { Context } from "hono";
import { sql } from "drizzle-orm";
import { IMAGE_TYPES, isImageType, MAX_IMAGE_BYTES, UPLOAD_KEY_PATTERN, uploadKey, type ImageType } from "../../../src/shared/image-urls";
import { eventImageUrl } from "../../../src/shared/event-art";
import type { EventImageView } from "../../../src/shared/image-schemas";
import { log } from "../../../src/shared/log";
import type { EventRow } from "../catalog/tenancy";
import { invalidateCatalog } from "../edge-cache";
import type { AppEnv } from "../env";
import { audited } from "../ops/audit";
import { Problem } from "../problem";
import { ImageRefusal, imageName, readImage } from "./image-format";

type Ctx = Context<AppEnv>;

/** Stores the request's body as the event's image, replacing any it had. */
export async function replaceEventImage(c: Ctx, event: EventRow): Promise<EventImageView> {
  if (event.status === "cancelled") throw new Problem(409, "this event is cancelled; its image can no longer change (removing it still works)");
  const type = declaredType(c.req.header("content-type"));
  if (Number(c.req.header("content-length")) > MAX_IMAGE_BYTES) throw tooLarge();
  const bytes = await readBody(c.req.raw.body, MAX_IMAGE_BYTES);
  let facts;
  try {
    facts = readImage(bytes);
  } catch (error) {
    if (error instanceof ImageRefusal) throw new Problem(422, error.message);
    throw error;
  }
  if (facts.type !== type) throw new Problem(422, `the body is a ${imageName(facts.type)} image but was sent as ${type}; send it with content-type ${facts.type}`);
  const hash = await crypto.subtle.digest("SHA-256", bytes);
  const key = uploadKey(event.id, hex(new Uint8Array(hash)), IMAGE_TYPES[type]);

  const image = { contentType: type, width: facts.width, height: facts.height, bytes: bytes.length };
  return audited(c.var.db, event, { userId: c.var.user.id, requestId: c.var.requestId }, "event_changed", null, async () => {
    await c.env.EVENT_IMAGES.put(key, bytes, {
      httpMetadata: { contentType: type, cacheControl: IMMUTABLE },
      customMetadata: { eventId: event.id, width: String(facts.width), height: String(facts.height) },
    });
    let previous: string | null;
    try {
      previous = await swapImageKey(c, event.id, key);
    } catch (error) {
      // Not named by any row: remove it, unless it is the image the event already had (the same bytes again).
      if (key !== event.imageKey) await c.env.EVENT_IMAGES.delete(key).catch(() => undefined);
      throw error;
    }
    await afterSwap(c, event.id, previous, key);
    log("info", "event_image_changed", { requestId: c.var.requestId, eventId: event.id, userId: c.var.user.id, key, bytes: bytes.length, width: facts.width, height: facts.height });
    const view: EventImageView = { eventId: event.id, imageUrl: eventImageUrl({ ...event, imageKey: key }), uploaded: true, image };
    return { before: { imageKey: previous }, after: { imageKey: key }, result: view };
  });
}

/** Removes the event's image (its art shows again); removing none is no change. */
export async function removeEventImage(c: Ctx, event: EventRow): Promise<EventImageView> {
  const view: EventImageView = { eventId: event.id, imageUrl: eventImageUrl({ ...event, imageKey: null }), uploaded: false, image: null };
  if (event.imageKey === null) return view;
  return audited(c.var.db, event, { userId: c.var.user.id, requestId: c.var.requestId }, "event_changed", null, async () => {
    const previous = await swapImageKey(c, event.id, null);
    await afterSwap(c, event.id, previous, null);
    log("info", "event_image_removed", { requestId: c.var.requestId, eventId: event.id, userId: c.var.user.id, key: previous });
    return { before: { imageKey: previous }, after: { imageKey: null }, result: view };
  });
}

/** A year, never revalidated: a key names its bytes. */
export const IMMUTABLE = "public, max-age=31536000, immutable";

/** Sets the event's image key and answers the one it replaces, in one statement. */
async function swapImageKey(c: Ctx, eventId: string, key: string | null): Promise<string | null> {
  const { rows } = await c.var.db().execute<{ previous: string | null }>(sql`
    update events e set image_key = ${key}, updated_at = now()
    from (select id, image_key from events where id = ${eventId} for update) old
    where e.id = old.id
    returning old.image_key as previous`);
  return rows[0]?.previous ?? null;
}

/** Readers see the change at once (edge cache); then the replaced object goes. */
async function afterSwap(c: Ctx, eventId: string, previous: string | null, key: string | null): Promise<void> {
  await invalidateCatalog();
  // Only keys of the upload scheme are objects this code stored (anything else was never in R2).
  if (previous && previous !== key && UPLOAD_KEY_PATTERN.test(previous)) {
    try {
      await c.env.EVENT_IMAGES.delete(previous);
    } catch (error) {
      // The change stands; an object left behind costs storage, not correctness.
      log("warn", "event_image_not_deleted", { requestId: c.var.requestId, eventId, key: previous, message: String(error) });
    }
  }
}

function declaredType(header: string | undefined): ImageType {
  const type = (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!isImageType(type)) {
    const accepted = Object.keys(IMAGE_TYPES).join(", ");
    throw new Problem(415, type ? `an event image is sent as ${accepted}, not ${type}` : `send the image's bytes with its content-type: ${accepted}`);
  }
  return type;
}

/** The body's bytes, refused with 413 past `max` (reading no further) and 400 when empty. */
async function readBody(body: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (body) {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  if (size === 0) throw new Problem(400, "the request body is empty: send the image's bytes");
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

const tooLarge = () => new Problem(413, `an event image may be at most ${MAX_IMAGE_BYTES / 1024 / 1024} MiB`);

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
