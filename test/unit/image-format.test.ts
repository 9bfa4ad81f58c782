/**
 * What an upload is, read from its first bytes (workers/api/images/image-format.ts),
 * and the generated art (src/shared/event-art.ts): plain functions over bytes
 * and numbers, tested without a request.
 */
import { describe, expect, it } from "vitest";
import { ART_VARIANTS, artUrl, eventArtSvg, parseArtPath } from "../../src/shared/event-art";
import { EVENT_TYPES } from "../../src/shared/catalog";
import { responsiveSources } from "../../src/shared/image-urls";
import { ImageRefusal, readImage } from "../../workers/api/images/image-format";
import { imageBytes } from "../fixtures/images";

/** A PNG signature and IHDR naming this size, and nothing after it. */
function pngHeader(width: number, height: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, width);
  new DataView(b.buffer).setUint32(20, height);
  return b;
}

describe("reading an image's type and size from its header", () => {
  it.each([
    ["png", "image/png", 160, 90],
    ["jpeg", "image/jpeg", 160, 90],
    ["jpegLarger", "image/jpeg", 320, 180],
    ["webpLossy", "image/webp", 160, 90],
    ["webpLossless", "image/webp", 160, 90],
    ["webpExtended", "image/webp", 160, 90],
  ] as const)("reads a real %s file as %s, %i×%i", (name, type, width, height) => {
    expect(readImage(imageBytes(name))).toEqual({ type, width, height });
  });

  it("refuses bytes that are no JPEG, PNG or WebP (a GIF, an SVG, text)", () => {
    for (const text of ["GIF89a\x01\x00\x01\x00", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "hello"]) {
      expect(() => readImage(new TextEncoder().encode(text))).toThrow(ImageRefusal);
    }
  });

  it("refuses a file cut short before its size", () => {
    expect(() => readImage(imageBytes("jpeg").subarray(0, 20))).toThrow(/cut short/);
    expect(() => readImage(imageBytes("png").subarray(0, 18))).toThrow(/cut short/);
  });

  it("refuses sizes no page can show: too small, too large, too many pixels, too long and thin", () => {
    expect(() => readImage(pngHeader(32, 32))).toThrow(/at least 64/);
    expect(() => readImage(pngHeader(100_000, 60_000))).toThrow(/at most 8000/);
    expect(() => readImage(pngHeader(8000, 6000))).toThrow(/megapixels/);
    expect(() => readImage(pngHeader(4000, 500))).toThrow(/4 times/);
    expect(readImage(pngHeader(1920, 1080))).toEqual({ type: "image/png", width: 1920, height: 1080 });
  });
});

describe("generated art", () => {
  it("draws every event type in every colourway, the same every time, with no script or outside reference", () => {
    for (const type of EVENT_TYPES) {
      for (let variant = 0; variant < ART_VARIANTS; variant++) {
        const svg = eventArtSvg(type, variant) ?? "";
        expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
        expect(svg).toBe(eventArtSvg(type, variant));
        expect(svg).not.toMatch(/<script|href|\son[a-z]+=|url\((?!#)/i);
      }
    }
  });

  it("serves an event's art at the URL its events carry, and nothing else under art/", () => {
    const url = artUrl("festival", "ev_0123456789abcdef");
    expect(url).toMatch(/^\/images\/art\/festival-\d\.[0-9a-z]+\.svg$/);
    expect(parseArtPath(url.slice("/images/".length))?.current).toBe(true);
    expect(parseArtPath("art/festival-0.old.svg")?.current).toBe(false);
    expect(parseArtPath("art/opera-0.x.svg")).toBeUndefined();
    expect(parseArtPath(`art/festival-${ART_VARIANTS}.x.svg`)).toBeUndefined();
  });
});

describe("responsive sources", () => {
  const options = { widths: [640, 320, 960], sizes: "100vw" };

  it("offers an upload in each width through Cloudflare's resizing when it is on", () => {
    const sources = responsiveSources("/images/events/ev_1/abc.jpg", { ...options, resizing: true });
    expect(sources.src).toBe("/cdn-cgi/image/width=640,height=360,fit=crop,format=auto,quality=80,metadata=none/images/events/ev_1/abc.jpg");
    expect(sources.srcset?.split(", ").map((s) => s.split(" ")[1])).toEqual(["320w", "640w", "960w"]);
    expect(sources.sizes).toBe("100vw");
  });

  it("serves the original without resizing, and art (SVG) always as it is", () => {
    expect(responsiveSources("/images/events/ev_1/abc.jpg", { ...options, resizing: false })).toEqual({ src: "/images/events/ev_1/abc.jpg" });
    expect(responsiveSources("/images/art/concert-1.v.svg", { ...options, resizing: true })).toEqual({ src: "/images/art/concert-1.v.svg" });
  });
});
