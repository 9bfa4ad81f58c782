/**
 * `GET /images/<key>`: event images, public. Uploads come from R2
 * (EVENT_IMAGES), generated art from src/shared/event-art.ts. Both are
 * immutable under their URL (a key names its bytes, an art URL carries the
 * art's version), so they are cached by browsers and Cloudflare for a year,
 * and a browser that asks again with its ETag gets a 304.
 *
 * Only two shapes of path are served, matched on the raw path (nothing is
 * decoded, so `%2e%2e`, `%2f` or a backslash never reach R2); anything else
 * is a 404, as is a key with no object. The Content-Type comes from the
 * key's extension, never from what was stored, with `nosniff`, and every
 * answer carries a CSP that allows nothing (and sandboxes an SVG opened on
 * its own): an image here can never become a page. Mounted in app.ts before
 * the pages' headers, which would replace that CSP with the pages' own.
 */
import { Hono } from "hono";
import { parseArtPath } from "../../../src/shared/event-art";
import { IMAGES_PATH, UPLOAD_KEY_PATTERN } from "../../../src/shared/image-urls";
import type { AppEnv } from "../env";
import { Problem } from "../problem";
import { IMMUTABLE } from "./event-image";

const CONTENT_TYPES: Record<string, string> = { jpg: "image/jpeg", png: "image/png", webp: "image/webp", svg: "image/svg+xml" };

const SAFE_HEADERS = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  // Public pictures: other sites, mail and link previews may show them.
  "cross-origin-resource-policy": "cross-origin",
};

export const imageDelivery = new Hono<AppEnv>();

imageDelivery.get("/*", async (c) => {
  const path = new URL(c.req.url).pathname;
  const key = path.startsWith(IMAGES_PATH) ? path.slice(IMAGES_PATH.length) : "";
  if (UPLOAD_KEY_PATTERN.test(key)) return upload(c.env.EVENT_IMAGES, key, c.req.header("if-none-match"));
  const art = parseArtPath(key);
  if (art) return artResponse(art, c.req.header("if-none-match"));
  throw noImage();
});

const noImage = () => new Problem(404, "no such image");

async function upload(bucket: R2Bucket, key: string, ifNoneMatch: string | undefined): Promise<Response> {
  // With If-None-Match, R2 answers the object without its body when the tag matches: a 304.
  const object = await bucket.get(key, ifNoneMatch ? { onlyIf: new Headers({ "if-none-match": ifNoneMatch }) } : {});
  if (!object) throw noImage();
  const headers = new Headers({
    ...SAFE_HEADERS,
    "content-type": CONTENT_TYPES[key.slice(key.lastIndexOf(".") + 1)] ?? "application/octet-stream",
    "cache-control": IMMUTABLE,
    etag: object.httpEtag,
  });
  if (!("body" in object)) return new Response(null, { status: 304, headers });
  return new Response(object.body, { headers });
}

function artResponse({ svg, etag, current }: { svg: string; etag: string; current: boolean }, ifNoneMatch: string | undefined): Response {
  const headers = new Headers({
    ...SAFE_HEADERS,
    "content-type": CONTENT_TYPES.svg ?? "image/svg+xml",
    // A page cached before a deploy may still name yesterday's art: today's is served, briefly cached.
    "cache-control": current ? IMMUTABLE : "public, max-age=300",
    etag,
  });
  if (ifNoneMatch?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)) return new Response(null, { status: 304, headers });
  return new Response(svg, { headers });
}

