/**
 * Event images: an organizer uploads, replaces and removes an event's image
 * (stored in R2, the Worker's real EVENT_IMAGES binding); fans get it from
 * /images/<key> with year-long immutable caching and ETags; search, the
 * event's detail and its pages carry it; an event without one shows its
 * type's generated art.
 */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { UPLOAD_KEY_PATTERN } from "../../src/shared/image-urls";
import { imageBytes, type ImageFixture } from "../fixtures/images";
import { call, callWith, json, makeEvent, organizerToken, problem, search, tokenFor, word } from "../helpers";

interface EventImage {
  eventId: string;
  imageUrl: string;
  uploaded: boolean;
  image: { contentType: string; width: number; height: number; bytes: number } | null;
}

let token: string;
beforeAll(async () => {
  token = await organizerToken();
});

/** PUT the bytes as the event's image, sent as `type`. */
function upload(eventId: string, body: Uint8Array | string, type: string | undefined, as = token): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${as}` };
  if (type) headers["content-type"] = type;
  return exports.default.fetch(new Request(`http://tickets.test/api/events/${eventId}/image`, { method: "PUT", headers, body }));
}

const uploadFixture = async (eventId: string, name: ImageFixture, type: string) => json<EventImage>(await upload(eventId, imageBytes(name), type), 200);
const keyOf = (url: string) => url.slice("/images/".length);
const detail = async (eventId: string) => json<{ imageUrl: string; updatedAt: string }>(await call("GET", `/api/events/${eventId}`), 200);

describe("uploading an event's image", () => {
  it("stores a JPEG under a key named by its content and shows it in the event's detail and in search", async () => {
    const name = word();
    const event = await makeEvent(token, { name: `${name} gala` });
    const answer = await uploadFixture(event.id, "jpeg", "image/jpeg");
    expect(answer).toMatchObject({ eventId: event.id, uploaded: true, image: { contentType: "image/jpeg", width: 160, height: 90, bytes: imageBytes("jpeg").length } });
    expect(answer.imageUrl).toMatch(new RegExp(`^/images/events/${event.id}/[0-9a-f]{32}\\.jpg$`));
    expect(UPLOAD_KEY_PATTERN.test(keyOf(answer.imageUrl))).toBe(true);

    const stored = await env.EVENT_IMAGES.get(keyOf(answer.imageUrl));
    expect(new Uint8Array(await (stored?.arrayBuffer() ?? new ArrayBuffer(0)))).toEqual(imageBytes("jpeg"));
    expect(stored?.httpMetadata?.contentType).toBe("image/jpeg");

    expect((await detail(event.id)).imageUrl).toBe(answer.imageUrl);
    const found = await search({ term: name });
    expect(found.results.map((r) => (r as { imageUrl?: string }).imageUrl)).toEqual([answer.imageUrl]);
  });

  it("accepts PNG and WebP (lossy, lossless and extended), each as the type it is", async () => {
    const event = await makeEvent(token);
    for (const [name, type, extension] of [
      ["png", "image/png", "png"],
      ["webpLossy", "image/webp", "webp"],
      ["webpLossless", "image/webp", "webp"],
      ["webpExtended", "image/webp", "webp"],
    ] as const) {
      const answer = await uploadFixture(event.id, name, type);
      expect(answer.imageUrl.endsWith(`.${extension}`), name).toBe(true);
      expect(answer.image, name).toMatchObject({ contentType: type, width: 160, height: 90 });
    }
  });

  it("replacing the image deletes the previous object; the same bytes again keep their one object", async () => {
    const event = await makeEvent(token);
    const first = await uploadFixture(event.id, "jpeg", "image/jpeg");
    const second = await uploadFixture(event.id, "jpegLarger", "image/jpeg");
    expect(second.imageUrl).not.toBe(first.imageUrl);
    expect(second.image).toMatchObject({ width: 320, height: 180 });
    expect(await env.EVENT_IMAGES.head(keyOf(first.imageUrl))).toBeNull();
    expect(await env.EVENT_IMAGES.head(keyOf(second.imageUrl))).not.toBeNull();

    const again = await uploadFixture(event.id, "jpegLarger", "image/jpeg");
    expect(again.imageUrl).toBe(second.imageUrl);
    expect(await env.EVENT_IMAGES.head(keyOf(second.imageUrl))).not.toBeNull();
    const listed = await env.EVENT_IMAGES.list({ prefix: `events/${event.id}/` });
    expect(listed.objects.map((o) => o.key)).toEqual([keyOf(second.imageUrl)]);
  });

  it("is audited like the event's other changes", async () => {
    const event = await makeEvent(token);
    const answer = await uploadFixture(event.id, "png", "image/png");
    const audit = await json<{ entries: { action: string; before: unknown; after: unknown }[] }>(await call("GET", `/api/events/${event.id}/ops/audit`, { token }), 200);
    expect(audit.entries[0]).toMatchObject({ action: "event_changed", before: { imageKey: null }, after: { imageKey: keyOf(answer.imageUrl) } });
  });
});

describe("removing an event's image", () => {
  it("deletes the object and shows the type's generated art again; removing none changes nothing", async () => {
    const event = await makeEvent(token, { type: "comedy" });
    const art = (await detail(event.id)).imageUrl;
    expect(art).toMatch(/^\/images\/art\/comedy-\d\.[0-9a-z]+\.svg$/);
    const uploaded = await uploadFixture(event.id, "png", "image/png");

    const removed = await json<EventImage>(await call("DELETE", `/api/events/${event.id}/image`, { token }), 200);
    expect(removed).toEqual({ eventId: event.id, imageUrl: art, uploaded: false, image: null });
    expect(await env.EVENT_IMAGES.head(keyOf(uploaded.imageUrl))).toBeNull();
    expect((await detail(event.id)).imageUrl).toBe(art);
    expect((await call("GET", uploaded.imageUrl)).status).toBe(404);

    expect(await json<EventImage>(await call("DELETE", `/api/events/${event.id}/image`, { token }), 200)).toEqual(removed);
  });
});

describe("who may change an event's image", () => {
  it("answers 404 to another organization's organizer, as for an event that does not exist, and 403 to a fan", async () => {
    const event = await makeEvent(token);
    const stranger = await organizerToken();
    await problem(await upload(event.id, imageBytes("png"), "image/png", stranger), 404);
    await problem(await call("DELETE", `/api/events/${event.id}/image`, { token: stranger }), 404);
    await problem(await upload("ev_doesnotexist0000", imageBytes("png"), "image/png"), 404);
    await problem(await upload(event.id, imageBytes("png"), "image/png", await tokenFor(`fan-${word(6)}`, ["fan"])), 403);
    await problem(await call("PUT", `/api/events/${event.id}/image`), 401);
    expect((await detail(event.id)).imageUrl).toMatch(/^\/images\/art\//);
  });

  it("lets a platform admin change any org's event", async () => {
    const event = await makeEvent(token);
    const admin = await tokenFor(`admin-${word(6)}`, ["admin"], "platform");
    expect((await json<EventImage>(await upload(event.id, imageBytes("png"), "image/png", admin), 200)).uploaded).toBe(true);
  });
});

describe("refusing what is not an acceptable image, with a problem and nothing stored", () => {
  let eventId: string;
  beforeAll(async () => {
    eventId = (await makeEvent(token)).id;
  });

  const nothingStored = async () => {
    expect((await env.EVENT_IMAGES.list({ prefix: `events/${eventId}/` })).objects).toEqual([]);
    expect((await detail(eventId)).imageUrl).toMatch(/^\/images\/art\//);
  };

  it("415 for a type that is not JPEG, PNG or WebP (SVG, GIF), or none", async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    expect((await problem(await upload(eventId, svg, "image/svg+xml"), 415)).detail).toContain("image/jpeg");
    await problem(await upload(eventId, "GIF89a\x01\x00\x01\x00", "image/gif"), 415);
    await problem(await upload(eventId, imageBytes("png"), undefined), 415);
    await nothingStored();
  });

  it("422 when the bytes are not the type declared, or no image at all", async () => {
    expect((await problem(await upload(eventId, imageBytes("png"), "image/jpeg"), 422)).detail).toContain("PNG");
    await problem(await upload(eventId, imageBytes("jpeg"), "image/webp"), 422);
    await problem(await upload(eventId, "<html>not an image</html>", "image/png"), 422);
    await problem(await upload(eventId, imageBytes("jpeg").subarray(0, 20), "image/jpeg"), 422);
    await nothingStored();
  });

  it("422 for a size no page can show, read from the header", async () => {
    const huge = imageBytes("png");
    new DataView(huge.buffer).setUint32(16, 60_000);
    expect((await problem(await upload(eventId, huge, "image/png"), 422)).detail).toContain("60000×90");
    await nothingStored();
  });

  it("413 past 2 MiB, declared or streamed without a length, and 400 for an empty body", async () => {
    const big = new Uint8Array(2 * 1024 * 1024 + 1);
    big.set(imageBytes("png"));
    await problem(await upload(eventId, big, "image/png"), 413);
    // No Content-Length (a stream of 3 MiB): refused by the image's own limit, not the API's 8 MiB one.
    const chunks = [imageBytes("png"), ...Array.from({ length: 12 }, () => new Uint8Array(256 * 1024))];
    const streamed = new Request(`http://tickets.test/api/events/${eventId}/image`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "image/png" },
      body: new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      }),
    });
    expect(streamed.headers.get("content-length")).toBeNull();
    expect((await problem(await exports.default.fetch(streamed), 413)).detail).toContain("2 MiB");
    await problem(await upload(eventId, new Uint8Array(0), "image/png"), 400);
    await nothingStored();
  });

  it("409 to replace a cancelled event's image (removing it still works)", async () => {
    const event = await makeEvent(token);
    await json(await call("POST", `/api/events/${event.id}/cancel`, { token, body: { reason: "the venue flooded" } }), 202);
    await problem(await upload(event.id, imageBytes("png"), "image/png"), 409);
    expect((await json<EventImage>(await call("DELETE", `/api/events/${event.id}/image`, { token }), 200)).uploaded).toBe(false);
  });
});

describe("serving images", () => {
  it("serves an upload with its type, an ETag, nosniff, a CSP that allows nothing and a year of immutable caching; 304 for its ETag", async () => {
    const event = await makeEvent(token);
    const { imageUrl } = await uploadFixture(event.id, "webpLossy", "image/webp");
    const res = await call("GET", imageUrl);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(imageBytes("webpLossy"));
    expect(res.headers.get("content-type")).toBe("image/webp");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
    const etag = res.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[^"]+"$/);

    const again = await call("GET", imageUrl, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(again.headers.get("cache-control")).toContain("immutable");
    expect(await again.text()).toBe("");
    const other = await call("GET", imageUrl, { headers: { "if-none-match": '"something-else"' } });
    expect(other.status).toBe(200);
    await other.body?.cancel();
  });

  it("serves the generated art of an event without an image as SVG, with the same headers and its ETag", async () => {
    const event = await makeEvent(token, { type: "festival" });
    const { imageUrl } = await detail(event.id);
    const res = await call("GET", imageUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/svg+xml");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toMatch(/^<svg /);
    const again = await call("GET", imageUrl, { headers: { "if-none-match": res.headers.get("etag") ?? "" } });
    expect(again.status).toBe(304);
  });

  it("answers 404 problems for unknown keys and every path trick, without touching anything else", async () => {
    const event = await makeEvent(token);
    const { imageUrl } = await uploadFixture(event.id, "png", "image/png");
    const key = keyOf(imageUrl);
    for (const path of [
      `/images/events/${event.id}/${"0".repeat(32)}.png`,
      `/images/events/${event.id}/${key.split("/")[2]?.replace(".png", ".jpg")}`,
      `/images/events/${event.id}/../${event.id}/${key.split("/")[2]}x`,
      `/images/events%2F${event.id}%2F${key.split("/")[2]}`,
      `/images/events/${event.id}/%2e%2e/%2e%2e/openapi.json`,
      `/images/${key.toUpperCase()}`,
      "/images/art/concert-9.x.svg",
      "/images/art/opera-1.x.svg",
      "/images/",
      "/images/..%5c..%5cwrangler.toml",
    ]) {
      const res = await call("GET", path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).toBe("application/problem+json");
      await res.body?.cancel();
    }
    // A dot segment is resolved by the URL before routing: it names the same image, which is served.
    expect((await call("GET", `/images/events/x/../${event.id}/${key.split("/")[2]}`)).status).toBe(200);
  });
});

describe("pages and the edge cache", () => {
  it("a cached event detail and search show a new image on the next read", async () => {
    const name = word();
    const event = await makeEvent(token, { name: `${name} premiere` });
    await call("GET", `/api/events/${event.id}`);
    expect((await call("GET", `/api/events/${event.id}`)).headers.get("x-cache")).toBe("HIT");
    await call("GET", `/api/search?term=${name}`);
    expect((await call("GET", `/api/search?term=${name}`)).headers.get("x-cache")).toBe("HIT");

    const { imageUrl } = await uploadFixture(event.id, "jpeg", "image/jpeg");
    const next = await call("GET", `/api/events/${event.id}`);
    expect(next.headers.get("x-cache")).toBe("MISS");
    expect((await json<{ imageUrl: string }>(next, 200)).imageUrl).toBe(imageUrl);
    const found = await search({ term: name });
    expect((found.results[0] as { imageUrl?: string } | undefined)?.imageUrl).toBe(imageUrl);

    await json(await call("DELETE", `/api/events/${event.id}/image`, { token }), 200);
    expect((await detail(event.id)).imageUrl).toMatch(/^\/images\/art\//);
  });

  it("the search page and the event page show the picture with its size set, lazy below the fold", async () => {
    const name = word();
    const event = await makeEvent(token, { name: `${name} recital` });
    const { imageUrl } = await uploadFixture(event.id, "jpeg", "image/jpeg");
    const searchPage = await (await call("GET", `/?term=${name}`)).text();
    expect(searchPage).toContain(`src="${imageUrl}"`);
    expect(searchPage).toMatch(/<img class="event-image result-image"[^>]*width="320" height="180" alt=""/);

    const eventPage = await (await call("GET", `/events/${event.id}`)).text();
    expect(eventPage).toMatch(/<img class="event-image banner-image"[^>]*width="1200" height="675" alt=""[^>]*loading="eager"/);
    expect(eventPage).toContain(`src="${imageUrl}"`);
  });

  it("with IMAGE_RESIZING on, pages offer the upload in several widths through Cloudflare's image transformations", async () => {
    const name = word();
    const event = await makeEvent(token, { name: `${name} encore` });
    const { imageUrl } = await uploadFixture(event.id, "jpeg", "image/jpeg");
    const page = await (await callWith({ IMAGE_RESIZING: "on" }, "GET", `/?term=${name}`)).text();
    expect(page).toContain(`srcset="/cdn-cgi/image/width=160,height=90,fit=crop,format=auto,quality=80,metadata=none${imageUrl} 160w`);
    expect(page).toContain('sizes="(min-width: 40rem) 12rem, 7.5rem"');
  });
});
