/**
 * What an uploaded image really is, from its first bytes: JPEG, PNG or WebP
 * by their signatures, and the width and height their headers declare
 * (nothing is decoded). An upload is accepted only when the bytes are the
 * type it was sent as, and its size is one a page can show: a 1×30,000
 * strip or a 50,000×50,000 "decompression bomb" is refused before it is
 * stored, let alone resized.
 */
import type { ImageType } from "../../../src/shared/image-urls";

export interface ImageFacts {
  type: ImageType;
  width: number;
  height: number;
}

/** The limits of a picture shown 16:9 on phones and desktops. */
export const IMAGE_LIMITS = {
  minSide: 64,
  maxSide: 8000,
  maxPixels: 40_000_000,
  /** the longer side over the shorter */
  maxAspect: 4,
} as const;

/** Why bytes are not an acceptable image, in words for the organizer. */
export class ImageRefusal extends Error {}

/** The facts of an image, or an ImageRefusal saying what is wrong. */
export function readImage(bytes: Uint8Array): ImageFacts {
  const facts = sniff(bytes);
  if (!facts) throw new ImageRefusal("the body is not a JPEG, PNG or WebP image (its first bytes are no such file's signature)");
  if (facts.width === 0 || facts.height === 0) throw new ImageRefusal(`the ${NAMES[facts.type]} header is cut short or names no size`);
  checkSize(facts);
  return facts;
}

const NAMES: Record<ImageType, string> = { "image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP" };
export const imageName = (type: ImageType): string => NAMES[type];

function checkSize({ width, height }: ImageFacts): void {
  const { minSide, maxSide, maxPixels, maxAspect } = IMAGE_LIMITS;
  const size = `${width}×${height}`;
  if (Math.min(width, height) < minSide) throw new ImageRefusal(`the image is ${size} pixels; each side must be at least ${minSide}`);
  if (Math.max(width, height) > maxSide) throw new ImageRefusal(`the image is ${size} pixels; each side must be at most ${maxSide}`);
  if (width * height > maxPixels) throw new ImageRefusal(`the image is ${size} pixels; at most ${maxPixels / 1_000_000} megapixels`);
  if (Math.max(width, height) / Math.min(width, height) > maxAspect) throw new ImageRefusal(`the image is ${size} pixels; it may be at most ${maxAspect} times as wide as it is high, or as high as it is wide`);
}

/** The type by signature, with the size its header gives (0 when the header is cut short). */
function sniff(b: Uint8Array): ImageFacts | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { type: "image/jpeg", ...jpegSize(b) };
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { type: "image/png", ...pngSize(b) };
  if (ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WEBP") return { type: "image/webp", ...webpSize(b) };
  return undefined;
}

const NO_SIZE = { width: 0, height: 0 };

/** PNG: the first chunk is IHDR, width and height big-endian at 16 and 20. */
function pngSize(b: Uint8Array): { width: number; height: number } {
  if (b.length < 24 || ascii(b, 12, 4) !== "IHDR") return NO_SIZE;
  return { width: u32be(b, 16), height: u32be(b, 20) };
}

/**
 * JPEG: walk the segments to the first start-of-frame (SOF0–SOF15 but DHT,
 * JPG and DAC), whose height and width follow its precision byte. Reaching
 * the scan (SOS) or the end first means no size.
 */
function jpegSize(b: Uint8Array): { width: number; height: number } {
  let i = 2;
  while (i + 3 < b.length) {
    if (b[i] !== 0xff) return NO_SIZE;
    const marker = b[i + 1] ?? 0;
    // Fill bytes, and markers that stand alone (TEM, RST0–7) with no length.
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return NO_SIZE;
    const length = u16be(b, i + 2);
    if (length < 2) return NO_SIZE;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (i + 9 > b.length) return NO_SIZE;
      return { height: u16be(b, i + 5), width: u16be(b, i + 7) };
    }
    i += 2 + length;
  }
  return NO_SIZE;
}

/** WebP: the first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended), each with its own header. */
function webpSize(b: Uint8Array): { width: number; height: number } {
  const chunk = ascii(b, 12, 4);
  if (chunk === "VP8 ") {
    // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height.
    if (b.length < 30 || b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return NO_SIZE;
    return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  if (chunk === "VP8L") {
    // Signature 0x2f, then width − 1 and height − 1 in 14 bits each.
    if (b.length < 25 || b[20] !== 0x2f) return NO_SIZE;
    const bits = u32le(b, 21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X") {
    // Flags and reserved (4 bytes), then canvas width − 1 and height − 1 in 24 bits each.
    if (b.length < 30) return NO_SIZE;
    return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  }
  return NO_SIZE;
}

const byte = (b: Uint8Array, i: number): number => b[i] ?? 0;
const u16be = (b: Uint8Array, i: number) => (byte(b, i) << 8) | byte(b, i + 1);
const u16le = (b: Uint8Array, i: number) => byte(b, i) | (byte(b, i + 1) << 8);
const u24le = (b: Uint8Array, i: number) => byte(b, i) | (byte(b, i + 1) << 8) | (byte(b, i + 2) << 16);
const u32be = (b: Uint8Array, i: number) => ((byte(b, i) << 24) | (byte(b, i + 1) << 16) | (byte(b, i + 2) << 8) | byte(b, i + 3)) >>> 0;
const u32le = (b: Uint8Array, i: number) => (byte(b, i) | (byte(b, i + 1) << 8) | (byte(b, i + 2) << 16) | (byte(b, i + 3) << 24)) >>> 0;
const ascii = (b: Uint8Array, at: number, length: number) => String.fromCharCode(...b.subarray(at, at + length));
const startsWith = (b: Uint8Array, signature: number[]) => signature.every((v, i) => b[i] === v);
